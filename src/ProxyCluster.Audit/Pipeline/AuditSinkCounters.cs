namespace ProxyCluster.Audit.Pipeline;

/// <summary>What the pipeline has done for one sink so far; safe to read from any thread (metrics, health).</summary>
public sealed class AuditSinkCounters
{
    private long _written;
    private long _spilled;
    private long _redelivered;
    private long _lost;
    private int _spilling;

    internal AuditSinkCounters(string name) => Name = name;

    public string Name { get; }

    /// <summary>Records the sink accepted, first try or redelivered from its spill file.</summary>
    public long Written => Volatile.Read(ref _written);

    /// <summary>Records appended to the sink's spill file.</summary>
    public long Spilled => Volatile.Read(ref _spilled);

    /// <summary>Records the sink accepted from its spill file.</summary>
    public long Redelivered => Volatile.Read(ref _redelivered);

    /// <summary>Records this sink will never see: the spill file could not be written, or a spilled line could not be read back.</summary>
    public long Lost => Volatile.Read(ref _lost);

    /// <summary>True while the sink is down or catching up: new records go to its spill file, behind the older ones.</summary>
    public bool IsSpilling => Volatile.Read(ref _spilling) != 0;

    internal void AddWritten(int count) => Interlocked.Add(ref _written, count);

    internal void AddSpilled(int count) => Interlocked.Add(ref _spilled, count);

    internal void AddRedelivered(int count)
    {
        Interlocked.Add(ref _redelivered, count);
        Interlocked.Add(ref _written, count);
    }

    internal void AddLost(int count) => Interlocked.Add(ref _lost, count);

    internal void SetSpilling(bool spilling) => Volatile.Write(ref _spilling, spilling ? 1 : 0);
}
