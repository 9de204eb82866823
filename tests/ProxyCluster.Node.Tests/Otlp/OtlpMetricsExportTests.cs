using Microsoft.Extensions.Logging;
using ProxyCluster.Node.Configuration;
using ProxyCluster.Node.Observability;
using ProxyCluster.Sessions.Metrics;

namespace ProxyCluster.Node.Tests.Otlp;

/// <summary>Tests that read or set OTEL_EXPORTER_OTLP_* run one at a time: the variables are the process's.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OtlpEnvironmentCollection
{
    public const string Name = "OTLP environment";
}

[Collection(OtlpEnvironmentCollection.Name)]
public sealed class OtlpMetricsExportTests
{
    private const string NodeId = "node-otlp-test";
    private const string ApiKey = "k3y-that-must-never-be-logged";

    [Fact]
    public async Task Build_HttpProtobuf_ReceiverGetsEveryKindOfMetricWithValuesLabelsAndResource()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var registry = new MetricsRegistry();
        registry.CreateCounterFamily("proxycluster_statements_total", "Queries checked, by kind and decision.", "kind", "decision")
            .WithLabels("select", "allow").Add(3);
        registry.CreateGauge("proxycluster_sessions_active", "Client sessions relaying now.").Set(2);
        registry.AddCallbackGauge("proxycluster_audit_queue_depth", "Audit records waiting.", () => 5.5);
        registry.AddCallbackCounter("proxycluster_audit_dropped_total", "Audit records dropped.", () => 7);
        var latency = registry.CreateHistogramFamily("proxycluster_statement_duration_seconds", "Statement latency.", [0.01, 0.1, 1], "kind");
        var logs = new CollectingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var options = new OtlpOptions { Endpoint = receiver.Url.ToString(), ExportIntervalSeconds = 1, Headers = $"x-api-key={ApiKey},x-tenant=t1" };

        using (var export = OtlpMetricsExport.Build(options, NodeId, registry, loggerFactory.CreateLogger<OtlpMetricsExport>(), NoEnvironment))
        {
            Assert.NotNull(export);
            var select = latency.WithLabels("select"); // a child created after the export started
            foreach (var seconds in new[] { 0.005, 0.05, 0.05, 2 })
            {
                select.Observe(seconds);
            }

            var received = await receiver.WaitForAsync(m => m.Find("proxycluster_statement_duration_seconds")?.Points.Single().Count == 4);

            Assert.Equal(("POST", OtlpReceiver.HttpPath, "application/x-protobuf"), (received.Method, received.Path, received.ContentType));
            Assert.Equal(ApiKey, received.Headers["x-api-key"]);
            Assert.Equal("t1", received.Headers["x-tenant"]);
            var metrics = received.Metrics;
            Assert.Equal("proxycluster", metrics.Resource["service.name"]);
            Assert.Equal(NodeId, metrics.Resource["service.instance.id"]);
            Assert.True(metrics.Resource.ContainsKey("service.version"));

            var statements = metrics.Find("proxycluster_statements")!;
            Assert.Equal("sum", statements.Kind);
            Assert.Equal("Queries checked, by kind and decision.", statements.Description);
            Assert.Equal(3, statements.Point("kind", "select").AsInt);
            Assert.Equal("allow", statements.Point("kind", "select").Attributes["decision"]);
            var active = metrics.Find("proxycluster_sessions_active")!;
            Assert.Equal(("gauge", 2L), (active.Kind, active.Points.Single().AsInt));
            var depth = metrics.Find("proxycluster_audit_queue_depth")!;
            Assert.Equal(("gauge", 5.5), (depth.Kind, depth.Points.Single().AsDouble));
            var dropped = metrics.Find("proxycluster_audit_dropped")!;
            Assert.Equal(("sum", 7.0), (dropped.Kind, dropped.Points.Single().AsDouble));
            Assert.DoesNotContain(metrics.Metrics, m => m.Name.EndsWith("_total", StringComparison.Ordinal));

            var duration = metrics.Find("proxycluster_statement_duration_seconds")!;
            Assert.Equal(("histogram", "s"), (duration.Kind, duration.Unit));
            var point = duration.Point("kind", "select");
            Assert.Equal([0.01, 0.1, 1], point.ExplicitBounds);
            Assert.Equal([1UL, 2UL, 0UL, 1UL], point.BucketCounts); // the same buckets /metrics shows, not cumulative
            Assert.Equal(2.105, point.Sum, 9);
        }

        Assert.Contains(logs.Lines, line => line.StartsWith("Information", StringComparison.Ordinal)
            && line.Contains($"to {receiver.Url.Authority} (http/protobuf) every 1 s", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Contains(ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Build_Grpc_ReceiverGetsTheExportOverHttp2()
    {
        await using var receiver = await OtlpReceiver.StartAsync(grpc: true);
        var registry = new MetricsRegistry();
        registry.CreateCounter("proxycluster_sessions_total", "Client connections.").Add(9);
        var options = new OtlpOptions { Endpoint = receiver.Url.ToString(), Protocol = OtlpOptions.Grpc, ExportIntervalSeconds = 1, Headers = $"x-api-key={ApiKey}" };

        using var export = OtlpMetricsExport.Build(options, NodeId, registry, NullLogger(), NoEnvironment);
        var received = await receiver.WaitForAsync(m => m.Find("proxycluster_sessions") is not null);

        Assert.Equal(OtlpReceiver.GrpcPath, received.Path);
        Assert.Equal(ApiKey, received.Headers["x-api-key"]);
        Assert.Equal(9, received.Metrics.Find("proxycluster_sessions")!.Points.Single().AsInt);
    }

    [Fact]
    public async Task Dispose_ExportsOnceMoreSoTheLastIntervalIsNotLost()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var registry = new MetricsRegistry();
        var sessions = registry.CreateCounter("proxycluster_sessions_total", "Client connections.");
        var export = OtlpMetricsExport.Build(
            new OtlpOptions { Endpoint = receiver.Url.ToString(), ExportIntervalSeconds = 3600 }, NodeId, registry, NullLogger(), NoEnvironment)!;

        sessions.Add(5);
        export.Dispose();

        var received = Assert.Single(receiver.Drain());
        Assert.Equal(5, received.Metrics.Find("proxycluster_sessions")!.Points.Single().AsInt);
    }

    [Fact]
    public void Build_NoEndpointAndNoVariable_ExportsNothingAndLeavesTheRegistryUnpublished()
    {
        var registry = new MetricsRegistry();

        var export = OtlpMetricsExport.Build(new OtlpOptions(), NodeId, registry, NullLogger(), NoEnvironment);

        Assert.Null(export);
        using var bridge = MeterBridge.Attach(registry); // would throw had Build attached one
    }

    [Fact]
    public async Task Build_NoEndpointButStandardVariables_ExportsWithTheSdkReadingThem()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var registry = new MetricsRegistry();
        registry.CreateGauge("proxycluster_sessions_active", "Client sessions relaying now.").Set(4);
        var variables = new Dictionary<string, string>
        {
            [OtlpMetricsExport.EndpointVariable] = receiver.Url.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-from-environment=yes",
        };
        foreach (var (name, value) in variables)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        try
        {
            using var export = OtlpMetricsExport.Build(new OtlpOptions { ExportIntervalSeconds = 1 }, NodeId, registry, NullLogger());
            var received = await receiver.WaitForAsync(m => m.Find("proxycluster_sessions_active") is not null);

            Assert.Equal(OtlpReceiver.HttpPath, received.Path); // the SDK adds the signal path to the variable's base URL
            Assert.Equal("yes", received.Headers["x-from-environment"]);
            Assert.Equal(4, received.Metrics.Find("proxycluster_sessions_active")!.Points.Single().AsInt);
        }
        finally
        {
            foreach (var name in variables.Keys)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }
    }

    private static string? NoEnvironment(string name) => null;

    private static ILogger NullLogger() => Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
}
