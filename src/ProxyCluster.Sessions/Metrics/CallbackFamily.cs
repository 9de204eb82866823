namespace ProxyCluster.Sessions.Metrics;

/// <summary>
/// Values owned by another component (audit queue depth, replication lag, per-sink counts), read only when metrics
/// are rendered. A callback that throws leaves its sample out of that rendering rather than failing the scrape.
/// </summary>
public sealed class CallbackFamily : IExposable
{
    private readonly LabelledChildren<Func<double>> _children;

    internal CallbackFamily(string[] labelNames) =>
        _children = new LabelledChildren<Func<double>>(labelNames, static _ => throw new InvalidOperationException("callbacks are added, not created"));

    public IReadOnlyList<string> LabelNames => _children.LabelNames;

    internal LabelledChildren<Func<double>>.Child[] Children => _children.Children;

    bool IExposable.HasSamples => _children.Children.Length > 0;

    /// <summary>Adds the callback for these label values (in label-name order); each set of values once.</summary>
    public void Add(Func<double> read, params ReadOnlySpan<string> labelValues)
    {
        ArgumentNullException.ThrowIfNull(read);
        _children.Add(labelValues, read);
    }

    void IExposable.WriteSamples(ExpositionWriter writer, string name)
    {
        foreach (var child in _children.Children)
        {
            double value;
            try
            {
                value = child.Metric();
            }
            catch (Exception)
            {
                // The owner's failure must not take the other metrics down with it.
                continue;
            }

            writer.WriteSample(name, null, _children.LabelNames, child.LabelValues, null, value);
        }
    }
}
