using System.Buffers;
using System.Text;

namespace ProxyCluster.Sessions.Metrics;

/// <summary>
/// The node's metrics, rendered in the Prometheus text exposition format 0.0.4 for <c>/metrics</c>. Metrics are
/// created here once (at startup) and the references kept by whoever updates them; rendering reads them without
/// stopping writers, in registration order.
/// </summary>
public sealed class MetricsRegistry
{
    /// <summary>The <c>Content-Type</c> of what <see cref="WriteTo(IBufferWriter{byte})"/> writes.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly Lock _gate = new();
    private Registered[] _metrics = [];

    // The meter these metrics are also published on, if any (see MeterBridge).
    private MeterBridge? _bridge;

    public Counter CreateCounter(string name, string help) => Register(name, help, "counter", new Counter());

    public CounterFamily CreateCounterFamily(string name, string help, params ReadOnlySpan<string> labelNames) =>
        Register(name, help, "counter", new CounterFamily(MetricNames.ValidateLabels(labelNames, histogram: false)));

    public Gauge CreateGauge(string name, string help) => Register(name, help, "gauge", new Gauge());

    public GaugeFamily CreateGaugeFamily(string name, string help, params ReadOnlySpan<string> labelNames) =>
        Register(name, help, "gauge", new GaugeFamily(MetricNames.ValidateLabels(labelNames, histogram: false)));

    /// <param name="upperBounds">Bucket upper bounds, strictly increasing; <c>+Inf</c> is added. See <see cref="Histogram.LatencySecondsBounds"/>.</param>
    public Histogram CreateHistogram(string name, string help, ReadOnlySpan<double> upperBounds) =>
        Register(name, help, "histogram", new Histogram(upperBounds));

    public HistogramFamily CreateHistogramFamily(string name, string help, ReadOnlySpan<double> upperBounds, params ReadOnlySpan<string> labelNames) =>
        Register(name, help, "histogram", new HistogramFamily(MetricNames.ValidateLabels(labelNames, histogram: true), upperBounds));

    /// <summary>A gauge whose value another component owns, read at each rendering (queue depth, replication lag).</summary>
    public void AddCallbackGauge(string name, string help, Func<double> read) =>
        CreateCallbackGaugeFamily(name, help).Add(read);

    /// <summary>A counter another component owns (e.g. the audit pipeline's totals), read at each rendering.</summary>
    public void AddCallbackCounter(string name, string help, Func<double> read) =>
        CreateCallbackCounterFamily(name, help).Add(read);

    public CallbackFamily CreateCallbackGaugeFamily(string name, string help, params ReadOnlySpan<string> labelNames) =>
        Register(name, help, "gauge", new CallbackFamily(MetricNames.ValidateLabels(labelNames, histogram: false)));

    public CallbackFamily CreateCallbackCounterFamily(string name, string help, params ReadOnlySpan<string> labelNames) =>
        Register(name, help, "counter", new CallbackFamily(MetricNames.ValidateLabels(labelNames, histogram: false)));

    /// <summary>Renders every metric as UTF-8 text (e.g. into <c>HttpResponse.BodyWriter</c>).</summary>
    public void WriteTo(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var writer = new ExpositionWriter(output);
        foreach (var metric in Volatile.Read(ref _metrics))
        {
            if (!metric.Metric.HasSamples)
            {
                continue;
            }

            writer.WriteHeader(metric.Name, metric.Help, metric.Type);
            metric.Metric.WriteSamples(writer, metric.Name);
        }
    }

    /// <summary>Renders every metric as text.</summary>
    public void WriteTo(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        WriteTo(buffer);
        output.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    /// <summary>
    /// Makes <paramref name="bridge"/> the one bridge told of every registration from now on, and returns the metrics
    /// registered so far. Registration notifies the bridge rather than the node attaching it after the last
    /// registration, because registrations happen in several places (DI factories, NodeMetrics after the build) and
    /// an ordering rule there would break silently. The snapshot and the switch happen under the registration lock,
    /// so every metric is published exactly once: it is either in the snapshot or registered after the switch.
    /// </summary>
    internal Registered[] Attach(MeterBridge bridge)
    {
        lock (_gate)
        {
            if (_bridge is not null)
            {
                throw new InvalidOperationException("these metrics are already published on a meter");
            }

            _bridge = bridge;
            return _metrics;
        }
    }

    internal void Detach(MeterBridge bridge)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_bridge, bridge))
            {
                _bridge = null;
            }
        }
    }

    private T Register<T>(string name, string help, string type, T metric)
        where T : class, IExposable
    {
        MetricNames.ValidateMetric(name);
        ArgumentNullException.ThrowIfNull(help);
        var registered = new Registered(name, help, type, metric);
        MeterBridge? bridge;
        lock (_gate)
        {
            foreach (var existing in _metrics)
            {
                if (existing.Name == name)
                {
                    throw new ArgumentException($"a metric named \"{name}\" is already registered", nameof(name));
                }
            }

            Volatile.Write(ref _metrics, [.. _metrics, registered]);
            bridge = _bridge;
        }

        // Outside the lock: creating an instrument calls the meter's listeners (the OpenTelemetry SDK) synchronously.
        bridge?.Publish(registered);
        return metric;
    }

    /// <param name="Type">The Prometheus type: counter, gauge or histogram.</param>
    internal readonly record struct Registered(string Name, string Help, string Type, IExposable Metric);
}
