namespace ProxyCluster.Sessions.Metrics;

/// <summary>A value that goes up and down (active sessions, open upstream connections). Allocation-free updates.</summary>
public sealed class Gauge : IExposable
{
    private long _value;

    public long Value => Volatile.Read(ref _value);

    bool IExposable.HasSamples => true;

    public void Inc() => Interlocked.Increment(ref _value);

    public void Dec() => Interlocked.Decrement(ref _value);

    public void Add(long amount) => Interlocked.Add(ref _value, amount);

    public void Set(long value) => Volatile.Write(ref _value, value);

    void IExposable.WriteSamples(ExpositionWriter writer, string name) => WriteSamples(writer, name, [], []);

    internal void WriteSamples(ExpositionWriter writer, string name, string[] labelNames, string[] labelValues) =>
        writer.WriteSample(name, null, labelNames, labelValues, null, Value);
}
