namespace ProxyCluster.Sessions.Metrics;

/// <summary>Gauges that share a name and differ by label values; keep the children, as with <see cref="CounterFamily"/>.</summary>
public sealed class GaugeFamily : IExposable
{
    private readonly LabelledChildren<Gauge> _children;

    internal GaugeFamily(string[] labelNames) => _children = new LabelledChildren<Gauge>(labelNames, static _ => new Gauge());

    public IReadOnlyList<string> LabelNames => _children.LabelNames;

    internal LabelledChildren<Gauge>.Child[] Children => _children.Children;

    bool IExposable.HasSamples => _children.Children.Length > 0;

    /// <summary>The child for these label values (in label-name order), created on first use.</summary>
    public Gauge WithLabels(params ReadOnlySpan<string> labelValues) => _children.Get(labelValues);

    void IExposable.WriteSamples(ExpositionWriter writer, string name)
    {
        foreach (var child in _children.Children)
        {
            child.Metric.WriteSamples(writer, name, _children.LabelNames, child.LabelValues);
        }
    }
}
