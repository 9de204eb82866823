namespace ProxyCluster.Sessions.Metrics;

/// <summary>Histograms with the same buckets that differ by label values, e.g. statement latency by kind.</summary>
public sealed class HistogramFamily : IExposable
{
    private readonly LabelledChildren<Histogram> _children;
    private readonly double[] _upperBounds;

    // Set (under the children's lock) while the registry is published on a meter; children created then mirror into it.
    private System.Diagnostics.Metrics.Histogram<double>? _instrument;

    internal HistogramFamily(string[] labelNames, ReadOnlySpan<double> upperBounds)
    {
        // Built once up front so a bad bound fails at registration, not at the first new label value.
        _ = new Histogram(upperBounds);
        _upperBounds = upperBounds.ToArray();
        _children = new LabelledChildren<Histogram>(labelNames, NewChild);
    }

    public IReadOnlyList<string> LabelNames => _children.LabelNames;

    public ReadOnlySpan<double> UpperBounds => _upperBounds;

    bool IExposable.HasSamples => _children.Children.Length > 0;

    /// <summary>The child for these label values (in label-name order), created on first use.</summary>
    public Histogram WithLabels(params ReadOnlySpan<string> labelValues) => _children.Get(labelValues);

    /// <summary>
    /// Every child, now and created later, also records into <paramref name="instrument"/>, tagged with its labels;
    /// null stops that. Done under the children's lock so that a child being created meanwhile is not missed.
    /// </summary>
    internal void MirrorInto(System.Diagnostics.Metrics.Histogram<double>? instrument) =>
        _children.UpdateUnderLock(children =>
        {
            _instrument = instrument;
            foreach (var child in children)
            {
                child.Metric.Mirror = instrument is null ? null : new HistogramMirror(instrument, child.Tags);
            }
        });

    void IExposable.WriteSamples(ExpositionWriter writer, string name)
    {
        foreach (var child in _children.Children)
        {
            child.Metric.WriteSamples(writer, name, _children.LabelNames, child.LabelValues);
        }
    }

    // Runs under the children's lock (LabelledChildren creates children there), as MirrorInto does.
    private Histogram NewChild(KeyValuePair<string, object?>[] tags)
    {
        var child = new Histogram(_upperBounds);
        if (_instrument is { } instrument)
        {
            child.Mirror = new HistogramMirror(instrument, tags);
        }

        return child;
    }
}
