namespace ProxyCluster.Sessions.Metrics;

/// <summary>A count that only goes up. Updates are one interlocked instruction and allocate nothing.</summary>
public sealed class Counter : IExposable
{
    private long _value;

    public long Value => Volatile.Read(ref _value);

    bool IExposable.HasSamples => true;

    public void Inc() => Interlocked.Increment(ref _value);

    public void Add(long amount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        Interlocked.Add(ref _value, amount);
    }

    void IExposable.WriteSamples(ExpositionWriter writer, string name) => WriteSamples(writer, name, [], []);

    internal void WriteSamples(ExpositionWriter writer, string name, string[] labelNames, string[] labelValues) =>
        writer.WriteSample(name, null, labelNames, labelValues, null, Value);
}
