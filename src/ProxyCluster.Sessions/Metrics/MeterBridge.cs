using System.Diagnostics.Metrics;

namespace ProxyCluster.Sessions.Metrics;

/// <summary>
/// Publishes every metric of a <see cref="MetricsRegistry"/> on a <see cref="System.Diagnostics.Metrics.Meter"/>
/// named <see cref="MeterName"/>, for an exporter such as OpenTelemetry's OTLP one; metrics registered later are
/// published when they are registered. Counters and gauges become observable instruments read at each collection,
/// so their hot paths do not change. Histograms cannot be read that way (OpenTelemetry has no observable histogram):
/// each one also records every observation into a meter histogram with the same bucket bounds, for as long as the
/// bridge lives. Disposing the bridge stops all of it.
/// </summary>
public sealed class MeterBridge : IDisposable
{
    public const string MeterName = "ProxyCluster";

    private readonly MetricsRegistry _registry;
    private readonly Lock _gate = new();
    private readonly List<Action> _detachMirrors = [];
    private bool _disposed;

    private MeterBridge(MetricsRegistry registry, string? version)
    {
        _registry = registry;
        Meter = new Meter(MeterName, version);
    }

    /// <summary>
    /// This bridge's own meter. Nodes run side by side in tests share the meter name, so an exporter should take
    /// instruments of this meter only (e.g. an OpenTelemetry view that drops the others).
    /// </summary>
    public Meter Meter { get; }

    /// <summary>Publishes <paramref name="registry"/>'s metrics, now and as they are registered; one bridge per registry.</summary>
    public static MeterBridge Attach(MetricsRegistry registry, string? version = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var bridge = new MeterBridge(registry, version);
        MetricsRegistry.Registered[] existing;
        try
        {
            existing = registry.Attach(bridge);
        }
        catch (InvalidOperationException)
        {
            bridge.Meter.Dispose();
            throw;
        }

        foreach (var metric in existing)
        {
            bridge.Publish(metric);
        }

        return bridge;
    }

    public void Dispose()
    {
        _registry.Detach(this);
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var detach in _detachMirrors)
            {
                detach();
            }

            _detachMirrors.Clear();
        }

        Meter.Dispose();
    }

    internal void Publish(MetricsRegistry.Registered metric)
    {
        var name = MeterNaming.InstrumentName(metric.Name, metric.Type);
        var unit = MeterNaming.UnitOf(name);
        var help = metric.Help;
        switch (metric.Metric)
        {
            case Counter counter:
                Meter.CreateObservableCounter(name, () => counter.Value, unit, help);
                break;
            case CounterFamily family:
                Meter.CreateObservableCounter(name, () => Read(family.Children, static counter => counter.Value), unit, help);
                break;
            case Gauge gauge:
                Meter.CreateObservableGauge(name, () => gauge.Value, unit, help);
                break;
            case GaugeFamily family:
                Meter.CreateObservableGauge(name, () => Read(family.Children, static gauge => gauge.Value), unit, help);
                break;
            case CallbackFamily family when metric.Type == "counter":
                Meter.CreateObservableCounter(name, () => Read(family.Children), unit, help);
                break;
            case CallbackFamily family:
                Meter.CreateObservableGauge(name, () => Read(family.Children), unit, help);
                break;
            case Histogram histogram:
            {
                var instrument = CreateHistogram(name, unit, help, histogram.UpperBounds);
                Mirror(() => histogram.Mirror = new HistogramMirror(instrument, []), () => histogram.Mirror = null);
                break;
            }

            case HistogramFamily family:
            {
                var instrument = CreateHistogram(name, unit, help, family.UpperBounds);
                Mirror(() => family.MirrorInto(instrument), () => family.MirrorInto(null));
                break;
            }

            default:
                throw new NotSupportedException($"{metric.Metric.GetType().Name} cannot be published on a meter");
        }
    }

    private Histogram<double> CreateHistogram(string name, string? unit, string help, ReadOnlySpan<double> upperBounds) =>
        // The advice makes an OpenTelemetry exporter use the Prometheus buckets instead of its default ones.
        Meter.CreateHistogram(name, unit, help, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = upperBounds.ToArray() });

    // Under the lock so that a histogram published while the bridge is being disposed is not left mirroring.
    private void Mirror(Action attach, Action detach)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            attach();
            _detachMirrors.Add(detach);
        }
    }

    // Collections happen every export interval, not per update: an array per collection is fine there.
    private static Measurement<long>[] Read<T>(LabelledChildren<T>.Child[] children, Func<T, long> read)
        where T : class
    {
        var measurements = new Measurement<long>[children.Length];
        for (var i = 0; i < children.Length; i++)
        {
            measurements[i] = new Measurement<long>(read(children[i].Metric), children[i].Tags);
        }

        return measurements;
    }

    /// <summary>Callback values; one that throws or answers NaN is left out, as the Prometheus rendering leaves out a throw.</summary>
    private static List<Measurement<double>> Read(LabelledChildren<Func<double>>.Child[] children)
    {
        var measurements = new List<Measurement<double>>(children.Length);
        foreach (var child in children)
        {
            double value;
            try
            {
                value = child.Metric();
            }
            catch (Exception)
            {
                continue;
            }

            if (!double.IsNaN(value))
            {
                measurements.Add(new Measurement<double>(value, child.Tags));
            }
        }

        return measurements;
    }
}
