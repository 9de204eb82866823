using System.Buffers;
using System.Diagnostics.Metrics;
using System.Text;
using ProxyCluster.Sessions.Metrics;

namespace ProxyCluster.Sessions.Tests.Metrics;

public sealed class MeterBridgeTests
{
    [Fact]
    public void Attach_CounterFamily_OneMeasurementPerChildWithItsLabelsAsTags()
    {
        var registry = new MetricsRegistry();
        var statements = registry.CreateCounterFamily("proxy_statements_total", "Statements checked by policy.", "kind", "decision");
        statements.WithLabels("select", "allow").Add(4);
        statements.WithLabels("update", "deny").Inc();
        using var bridge = MeterBridge.Attach(registry);
        using var collector = new MeterCollector(bridge.Meter);

        var measurements = collector.Collect();

        Assert.Equal(2, measurements.Count);
        var allowed = Assert.Single(measurements, m => m.Has("kind", "select"));
        Assert.Equal("proxy_statements", allowed.Instrument);
        Assert.Equal(4, allowed.Value);
        Assert.True(allowed.Has("decision", "allow"));
        var denied = Assert.Single(measurements, m => m.Has("kind", "update"));
        Assert.Equal(1, denied.Value);
        Assert.True(denied.Has("decision", "deny"));
    }

    [Fact]
    public void Attach_Counter_NamedWithoutTotalAndDescribedByItsHelp()
    {
        var registry = new MetricsRegistry();
        var sessions = registry.CreateCounter("proxy_sessions_total", "Sessions accepted.");
        var bytes = registry.CreateCounterFamily("proxy_relayed_bytes_total", "Bytes relayed.", "direction");
        sessions.Add(42);
        bytes.WithLabels("to_server").Add(1000);
        using var bridge = MeterBridge.Attach(registry);
        using var collector = new MeterCollector(bridge.Meter);

        var measurements = collector.Collect();

        Assert.Equal(42, Assert.Single(measurements, m => m.Instrument == "proxy_sessions").Value);
        var counter = Assert.IsType<ObservableCounter<long>>(collector.Instruments["proxy_sessions"]);
        Assert.Equal("Sessions accepted.", counter.Description);
        Assert.Null(counter.Unit);
        Assert.Equal("By", collector.Instruments["proxy_relayed_bytes"].Unit);
        Assert.DoesNotContain(collector.Instruments.Keys, name => name.EndsWith("_total", StringComparison.Ordinal));
    }

    [Fact]
    public void Attach_GaugeAndGaugeFamily_ObservedAtTheirCurrentValues()
    {
        var registry = new MetricsRegistry();
        var active = registry.CreateGauge("proxy_sessions_active", "Sessions open now.");
        var upstream = registry.CreateGaugeFamily("proxy_upstream_connections", "Upstream connections by state.", "state");
        active.Set(3);
        upstream.WithLabels("idle").Set(5);
        using var bridge = MeterBridge.Attach(registry);
        using var collector = new MeterCollector(bridge.Meter);

        Assert.Equal(3, Assert.Single(collector.Collect(), m => m.Instrument == "proxy_sessions_active").Value);
        active.Dec();
        upstream.WithLabels("busy").Add(-2);
        var second = collector.Collect();

        Assert.IsType<ObservableGauge<long>>(collector.Instruments["proxy_sessions_active"]);
        Assert.Equal(2, Assert.Single(second, m => m.Instrument == "proxy_sessions_active").Value);
        Assert.Equal(5, Assert.Single(second, m => m.Has("state", "idle")).Value);
        Assert.Equal(-2, Assert.Single(second, m => m.Has("state", "busy")).Value);
    }

    [Fact]
    public void Attach_CallbackFamilies_ReadAtCollectionAndLeaveOutThrowsAndNaN()
    {
        var registry = new MetricsRegistry();
        var depth = 7.0;
        registry.AddCallbackGauge("proxy_queue_depth", "Records waiting.", () => depth);
        registry.AddCallbackGauge("proxy_lag_events", "Unknown until a heartbeat.", () => double.NaN);
        registry.AddCallbackCounter("proxy_dropped_total", "Records dropped.", () => 11);
        var written = registry.CreateCallbackCounterFamily("proxy_written_total", "Records written, by sink.", "sink");
        written.Add(() => 20, "file");
        written.Add(() => throw new InvalidOperationException("sink gone"), "control_store");
        using var bridge = MeterBridge.Attach(registry);
        using var collector = new MeterCollector(bridge.Meter);

        depth = 9;
        var measurements = collector.Collect();

        Assert.Equal(9, Assert.Single(measurements, m => m.Instrument == "proxy_queue_depth").Value);
        Assert.DoesNotContain(measurements, m => m.Instrument == "proxy_lag_events");
        Assert.Equal(11, Assert.Single(measurements, m => m.Instrument == "proxy_dropped").Value);
        var file = Assert.Single(measurements, m => m.Instrument == "proxy_written");
        Assert.True(file.Has("sink", "file"));
        Assert.Equal(20, file.Value);
        Assert.IsType<ObservableGauge<double>>(collector.Instruments["proxy_queue_depth"]);
        Assert.IsType<ObservableCounter<double>>(collector.Instruments["proxy_written"]);
    }

    [Fact]
    public void Attach_HistogramFamily_RecordsEachObservationWithTagsAndThePrometheusBounds()
    {
        var registry = new MetricsRegistry();
        var latency = registry.CreateHistogramFamily("proxy_statement_duration_seconds", "Latency by kind.", [0.005, 0.01, 0.5], "kind");
        var select = latency.WithLabels("select");
        using var bridge = MeterBridge.Attach(registry);
        using var collector = new MeterCollector(bridge.Meter);

        select.Observe(0.002);
        select.Observe(TimeSpan.FromMilliseconds(250));
        var measurements = collector.Collect();

        Assert.Equal([0.002, 0.25], measurements.Select(m => m.Value));
        Assert.All(measurements, m => Assert.Equal("proxy_statement_duration_seconds", m.Instrument));
        Assert.All(measurements, m => Assert.True(m.Has("kind", "select")));
        var instrument = Assert.IsType<Histogram<double>>(collector.Instruments["proxy_statement_duration_seconds"]);
        Assert.Equal("s", instrument.Unit);
        Assert.Equal([0.005, 0.01, 0.5], instrument.Advice!.HistogramBucketBoundaries!);
        Assert.Equal(2, select.Count); // the Prometheus buckets count as before
    }

    [Fact]
    public void Attach_HistogramFamilyChildCreatedAfterAttaching_IsMirroredToo()
    {
        var registry = new MetricsRegistry();
        var latency = registry.CreateHistogramFamily("proxy_statement_duration_seconds", "Latency by kind.", [0.01, 1], "kind");
        using var bridge = MeterBridge.Attach(registry);
        using var collector = new MeterCollector(bridge.Meter);

        latency.WithLabels("update").Observe(0.5);

        var recorded = Assert.Single(collector.Collect());
        Assert.Equal(0.5, recorded.Value);
        Assert.True(recorded.Has("kind", "update"));
    }

    [Fact]
    public void Attach_Histogram_RecordsWithoutTags()
    {
        var registry = new MetricsRegistry();
        var histogram = registry.CreateHistogram("proxy_wait_seconds", "Wait.", [0.1, 1]);
        using var bridge = MeterBridge.Attach(registry);
        using var collector = new MeterCollector(bridge.Meter);

        histogram.Observe(0.3);
        histogram.Observe(double.NaN);

        var recorded = Assert.Single(collector.Collect());
        Assert.Equal(0.3, recorded.Value);
        Assert.Empty(recorded.Tags);
    }

    [Fact]
    public void Attach_MetricRegisteredAfterAttaching_IsPublished()
    {
        var registry = new MetricsRegistry();
        using var bridge = MeterBridge.Attach(registry);
        using var collector = new MeterCollector(bridge.Meter);

        registry.AddCallbackGauge("proxy_tokens_active", "Tokens accepted now.", () => 4);
        var latency = registry.CreateHistogram("proxy_connect_seconds", "Connect latency.", [0.1]);
        latency.Observe(0.05);

        var measurements = collector.Collect();
        Assert.Equal(4, Assert.Single(measurements, m => m.Instrument == "proxy_tokens_active").Value);
        Assert.Equal(0.05, Assert.Single(measurements, m => m.Instrument == "proxy_connect_seconds").Value);
    }

    [Fact]
    public void Attach_Twice_Throws()
    {
        var registry = new MetricsRegistry();
        using var bridge = MeterBridge.Attach(registry);

        Assert.Throws<InvalidOperationException>(() => MeterBridge.Attach(registry));
    }

    [Fact]
    public void Dispose_HistogramsKeepCountingForPrometheusButNoLongerRecordOnTheMeter()
    {
        var registry = new MetricsRegistry();
        var latency = registry.CreateHistogramFamily("proxy_statement_duration_seconds", "Latency by kind.", [0.01, 1], "kind");
        var bridge = MeterBridge.Attach(registry);
        using var collector = new MeterCollector(bridge.Meter);
        latency.WithLabels("select").Observe(0.5);
        Assert.Single(collector.Collect());

        bridge.Dispose();
        latency.WithLabels("select").Observe(0.5);
        latency.WithLabels("insert").Observe(0.5);

        Assert.Empty(collector.Collect());
        Assert.Equal(2, latency.WithLabels("select").Count);
        using var again = MeterBridge.Attach(registry); // the registry can be published anew
    }

    [Fact]
    public void Observe_WithoutBridge_CountsAsBeforeAndReachesNoMeter()
    {
        var registry = new MetricsRegistry();
        var latency = registry.CreateHistogram("proxy_statement_duration_seconds", "From forwarding to the last result.", [0.005, 0.5]);
        using var otherBridge = MeterBridge.Attach(new MetricsRegistry());
        using var collector = new MeterCollector(otherBridge.Meter);

        latency.Observe(0.001);
        latency.Observe(TimeSpan.FromSeconds(2));

        Assert.Empty(collector.Collect());
        Assert.Equal(2, latency.Count);
        Assert.Equal(2.001, latency.Sum, 6);
        Assert.Contains("proxy_statement_duration_seconds_bucket{le=\"0.005\"} 1\n", Render(registry), StringComparison.Ordinal);
    }

    private static string Render(MetricsRegistry registry)
    {
        var buffer = new ArrayBufferWriter<byte>();
        registry.WriteTo(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
