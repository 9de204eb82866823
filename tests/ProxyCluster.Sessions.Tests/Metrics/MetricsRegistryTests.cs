using System.Buffers;
using System.Text;
using ProxyCluster.Sessions.Metrics;

namespace ProxyCluster.Sessions.Tests.Metrics;

public sealed class MetricsRegistryTests
{
    [Fact]
    public void WriteTo_Counter_WritesHelpTypeAndValue()
    {
        var registry = new MetricsRegistry();
        var sessions = registry.CreateCounter("proxy_sessions_total", "Sessions accepted.");
        sessions.Inc();
        sessions.Add(41);

        Assert.Equal(
            """
            # HELP proxy_sessions_total Sessions accepted.
            # TYPE proxy_sessions_total counter
            proxy_sessions_total 42

            """,
            Render(registry));
    }

    [Fact]
    public void WriteTo_CounterFamily_WritesOneLinePerLabelSetInCreationOrder()
    {
        var registry = new MetricsRegistry();
        var statements = registry.CreateCounterFamily("proxy_statements_total", "Statements checked by policy.", "kind", "decision");
        var selectAllowed = statements.WithLabels("select", "allow");
        var updateDenied = statements.WithLabels("update", "deny");
        selectAllowed.Add(3);
        updateDenied.Inc();
        statements.WithLabels("select", "allow").Inc();

        Assert.Equal(
            """
            # HELP proxy_statements_total Statements checked by policy.
            # TYPE proxy_statements_total counter
            proxy_statements_total{kind="select",decision="allow"} 4
            proxy_statements_total{kind="update",decision="deny"} 1

            """,
            Render(registry));
    }

    [Fact]
    public void WriteTo_GaugeAndGaugeFamily_GoUpDownAndCanBeSet()
    {
        var registry = new MetricsRegistry();
        var active = registry.CreateGauge("proxy_sessions_active", "Sessions open now.");
        var upstream = registry.CreateGaugeFamily("proxy_upstream_connections", "Upstream connections by state.", "state");
        active.Inc();
        active.Inc();
        active.Dec();
        upstream.WithLabels("idle").Set(5);
        upstream.WithLabels("busy").Add(-2);

        Assert.Equal(
            """
            # HELP proxy_sessions_active Sessions open now.
            # TYPE proxy_sessions_active gauge
            proxy_sessions_active 1
            # HELP proxy_upstream_connections Upstream connections by state.
            # TYPE proxy_upstream_connections gauge
            proxy_upstream_connections{state="idle"} 5
            proxy_upstream_connections{state="busy"} -2

            """,
            Render(registry));
    }

    [Fact]
    public void WriteTo_Histogram_WritesCumulativeBucketsSumAndCount()
    {
        var registry = new MetricsRegistry();
        var latency = registry.CreateHistogram("proxy_statement_duration_seconds", "From forwarding to the last result.", [0.005, 0.01, 0.5]);
        latency.Observe(0.001);
        latency.Observe(0.005);
        latency.Observe(TimeSpan.FromMilliseconds(200));
        latency.Observe(3);

        Assert.Equal(
            """
            # HELP proxy_statement_duration_seconds From forwarding to the last result.
            # TYPE proxy_statement_duration_seconds histogram
            proxy_statement_duration_seconds_bucket{le="0.005"} 2
            proxy_statement_duration_seconds_bucket{le="0.01"} 2
            proxy_statement_duration_seconds_bucket{le="0.5"} 3
            proxy_statement_duration_seconds_bucket{le="+Inf"} 4
            proxy_statement_duration_seconds_sum 3.206
            proxy_statement_duration_seconds_count 4

            """,
            Render(registry));
        Assert.Equal(4, latency.Count);
        Assert.Equal(3.206, latency.Sum, 9);
    }

    [Fact]
    public void WriteTo_HistogramFamily_PutsLeAfterTheFamilyLabels()
    {
        var registry = new MetricsRegistry();
        var latency = registry.CreateHistogramFamily("proxy_auth_duration_seconds", "Client authentication time.", [0.0005, 1], "method");
        latency.WithLabels("scram").Observe(TimeSpan.FromMilliseconds(2));

        Assert.Equal(
            """
            # HELP proxy_auth_duration_seconds Client authentication time.
            # TYPE proxy_auth_duration_seconds histogram
            proxy_auth_duration_seconds_bucket{method="scram",le="0.0005"} 0
            proxy_auth_duration_seconds_bucket{method="scram",le="1"} 1
            proxy_auth_duration_seconds_bucket{method="scram",le="+Inf"} 1
            proxy_auth_duration_seconds_sum{method="scram"} 0.002
            proxy_auth_duration_seconds_count{method="scram"} 1

            """,
            Render(registry));
    }

    [Fact]
    public void WriteTo_LabelValuesAndHelp_AreEscaped()
    {
        var registry = new MetricsRegistry();
        var family = registry.CreateCounterFamily("proxy_odd_total", "Help with a \\ backslash,\na newline and \"quotes\".", "database");
        family.WithLabels("a\\b\"c\nd é").Inc();

        Assert.Equal(
            """
            # HELP proxy_odd_total Help with a \\ backslash,\na newline and "quotes".
            # TYPE proxy_odd_total counter
            proxy_odd_total{database="a\\b\"c\nd é"} 1

            """,
            Render(registry));
    }

    [Fact]
    public void WriteTo_Callbacks_ReadTheOwnersValueAtEachRendering()
    {
        var registry = new MetricsRegistry();
        var depth = 7.0;
        registry.AddCallbackGauge("proxy_audit_queue_depth", "Audit records waiting.", () => depth);
        registry.AddCallbackCounter("proxy_audit_dropped_total", "Audit records refused.", () => 0);
        var written = registry.CreateCallbackCounterFamily("proxy_audit_written_total", "Audit records written by sink.", "sink");
        written.Add(() => 12, "file");
        written.Add(() => double.PositiveInfinity, "control");

        var first = Render(registry);
        depth = 0.25;

        Assert.Contains("proxy_audit_queue_depth 7\n", first, StringComparison.Ordinal);
        Assert.Equal(
            """
            # HELP proxy_audit_queue_depth Audit records waiting.
            # TYPE proxy_audit_queue_depth gauge
            proxy_audit_queue_depth 0.25
            # HELP proxy_audit_dropped_total Audit records refused.
            # TYPE proxy_audit_dropped_total counter
            proxy_audit_dropped_total 0
            # HELP proxy_audit_written_total Audit records written by sink.
            # TYPE proxy_audit_written_total counter
            proxy_audit_written_total{sink="file"} 12
            proxy_audit_written_total{sink="control"} +Inf

            """,
            Render(registry));
    }

    [Fact]
    public void WriteTo_CallbackThatThrows_LeavesOnlyItsOwnSampleOut()
    {
        var registry = new MetricsRegistry();
        var lag = registry.CreateCallbackGaugeFamily("proxy_replication_lag_seconds", "Behind the journal.", "node");
        lag.Add(() => throw new InvalidOperationException("replica stopped"), "a");
        lag.Add(() => 1.5, "b");

        Assert.Equal(
            """
            # HELP proxy_replication_lag_seconds Behind the journal.
            # TYPE proxy_replication_lag_seconds gauge
            proxy_replication_lag_seconds{node="b"} 1.5

            """,
            Render(registry));
    }

    [Fact]
    public void WriteTo_FamilyWithoutChildren_IsLeftOut()
    {
        var registry = new MetricsRegistry();
        registry.CreateCounterFamily("proxy_auth_total", "Authentications.", "method", "result");

        Assert.Equal(string.Empty, Render(registry));
    }

    [Fact]
    public void WriteTo_BufferWriter_WritesTheSameUtf8AsTheTextWriter()
    {
        var registry = new MetricsRegistry();
        registry.CreateCounterFamily("proxy_bytes_total", "Bytes relayed.", "direction").WithLabels("in→out").Add(1 << 20);
        var buffer = new ArrayBufferWriter<byte>();

        registry.WriteTo(buffer);

        Assert.Equal(Render(registry), Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Theory]
    [InlineData("1starts_with_digit")]
    [InlineData("has-dash")]
    [InlineData("")]
    public void CreateCounter_InvalidName_Throws(string name)
    {
        Assert.ThrowsAny<ArgumentException>(() => new MetricsRegistry().CreateCounter(name, "help"));
    }

    [Fact]
    public void Create_DuplicateName_Throws()
    {
        var registry = new MetricsRegistry();
        registry.CreateCounter("proxy_x", "help");

        Assert.Throws<ArgumentException>(() => registry.CreateGauge("proxy_x", "help"));
    }

    [Theory]
    [InlineData("le")]
    [InlineData("__reserved")]
    [InlineData("with space")]
    public void CreateHistogramFamily_BadLabelName_Throws(string label)
    {
        Assert.Throws<ArgumentException>(() => new MetricsRegistry().CreateHistogramFamily("proxy_h", "help", [1], label));
    }

    [Fact]
    public void CreateCounterFamily_SameLabelTwice_Throws()
    {
        Assert.Throws<ArgumentException>(() => new MetricsRegistry().CreateCounterFamily("proxy_c", "help", "kind", "kind"));
    }

    private static string Render(MetricsRegistry registry)
    {
        using var text = new StringWriter();
        registry.WriteTo(text);
        return text.ToString();
    }
}
