namespace ProxyCluster.Sessions.Metrics;

/// <summary>
/// Where one <see cref="Histogram"/> also records its observations when the registry is published on a meter: the
/// meter's histogram and the child's labels as tags, both fixed here so that recording allocates nothing.
/// </summary>
internal sealed class HistogramMirror
{
    private readonly System.Diagnostics.Metrics.Histogram<double> _instrument;
    private readonly KeyValuePair<string, object?>[] _tags;

    public HistogramMirror(System.Diagnostics.Metrics.Histogram<double> instrument, KeyValuePair<string, object?>[] tags)
    {
        _instrument = instrument;
        _tags = tags;
    }

    public void Record(double value)
    {
        // No listener (no exporter running, or the meter is disposed): skip even the call into the instrument.
        if (_instrument.Enabled)
        {
            _instrument.Record(value, new ReadOnlySpan<KeyValuePair<string, object?>>(_tags));
        }
    }
}
