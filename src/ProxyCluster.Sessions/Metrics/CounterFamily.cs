namespace ProxyCluster.Sessions.Metrics;

/// <summary>
/// Counters that share a name and differ by label values, e.g. statements by kind and decision. Look a child up once
/// (at startup, or when a rare label value first appears) and keep the reference: the hot path is then a plain
/// <see cref="Counter.Inc"/>. A lookup itself allocates nothing once the child exists.
/// </summary>
public sealed class CounterFamily : IExposable
{
    private readonly LabelledChildren<Counter> _children;

    internal CounterFamily(string[] labelNames) => _children = new LabelledChildren<Counter>(labelNames, static _ => new Counter());

    public IReadOnlyList<string> LabelNames => _children.LabelNames;

    internal LabelledChildren<Counter>.Child[] Children => _children.Children;

    bool IExposable.HasSamples => _children.Children.Length > 0;

    /// <summary>The child for these label values (in label-name order), created on first use.</summary>
    public Counter WithLabels(params ReadOnlySpan<string> labelValues) => _children.Get(labelValues);

    void IExposable.WriteSamples(ExpositionWriter writer, string name)
    {
        foreach (var child in _children.Children)
        {
            child.Metric.WriteSamples(writer, name, _children.LabelNames, child.LabelValues);
        }
    }
}
