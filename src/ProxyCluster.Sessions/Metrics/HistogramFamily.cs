namespace ProxyCluster.Sessions.Metrics;

/// <summary>Histograms with the same buckets that differ by label values, e.g. statement latency by kind.</summary>
public sealed class HistogramFamily : IExposable
{
    private readonly LabelledChildren<Histogram> _children;
    private readonly double[] _upperBounds;

    internal HistogramFamily(string[] labelNames, ReadOnlySpan<double> upperBounds)
    {
        // Built once up front so a bad bound fails at registration, not at the first new label value.
        _ = new Histogram(upperBounds);
        _upperBounds = upperBounds.ToArray();
        _children = new LabelledChildren<Histogram>(labelNames, () => new Histogram(_upperBounds));
    }

    public IReadOnlyList<string> LabelNames => _children.LabelNames;

    bool IExposable.HasSamples => _children.Children.Length > 0;

    /// <summary>The child for these label values (in label-name order), created on first use.</summary>
    public Histogram WithLabels(params ReadOnlySpan<string> labelValues) => _children.Get(labelValues);

    void IExposable.WriteSamples(ExpositionWriter writer, string name)
    {
        foreach (var child in _children.Children)
        {
            child.Metric.WriteSamples(writer, name, _children.LabelNames, child.LabelValues);
        }
    }
}
