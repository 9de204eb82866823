using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using ProxyCluster.Node.Configuration;
using ProxyCluster.Sessions.Metrics;

namespace ProxyCluster.Node.Observability;

/// <summary>
/// The node's metrics pushed over OTLP: the registry published on a meter (<see cref="MeterBridge"/>) and an
/// OpenTelemetry meter provider exporting that meter every <see cref="OtlpOptions.ExportIntervalSeconds"/>.
/// Disposing it makes a last export, then stops.
/// </summary>
public sealed partial class OtlpMetricsExport : IDisposable
{
    /// <summary>The standard variable that turns export on when <see cref="OtlpOptions.Endpoint"/> is not set.</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public const string ServiceName = "proxycluster";

    private const string MetricsPath = "/v1/metrics";

    private readonly MeterBridge _bridge;
    private readonly MeterProvider _provider;
    private int _disposed;

    private OtlpMetricsExport(MeterBridge bridge, MeterProvider provider)
    {
        _bridge = bridge;
        _provider = provider;
    }

    /// <summary>
    /// Starts exporting <paramref name="registry"/>, or returns null when neither <see cref="OtlpOptions.Endpoint"/>
    /// nor <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (then no meter provider exists at all).
    /// </summary>
    /// <param name="environment">Reads an environment variable; the process environment when null.</param>
    public static OtlpMetricsExport? Build(OtlpOptions options, string nodeId, MetricsRegistry registry, ILogger logger, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(logger);
        environment ??= Environment.GetEnvironmentVariable;
        if (!options.HasEndpoint && string.IsNullOrEmpty(environment(EndpointVariable)))
        {
            return null;
        }

        var version = typeof(OtlpMetricsExport).Assembly.GetName().Version?.ToString(3);
        var bridge = MeterBridge.Attach(registry, version);
        try
        {
            Uri? endpoint = null;
            var protocol = OtlpExportProtocol.HttpProtobuf;
            var provider = Sdk.CreateMeterProviderBuilder()
                .SetResourceBuilder(ResourceBuilder.CreateDefault()
                    .AddService(ServiceName, serviceVersion: version, autoGenerateServiceInstanceId: false, serviceInstanceId: nodeId))
                .AddMeter(MeterBridge.MeterName)
                // Nodes run side by side in one process (the tests do) each publish a meter of the same name: this
                // provider exports this node's meter and drops every other one's instruments.
                .AddView(instrument => ReferenceEquals(instrument.Meter, bridge.Meter) ? null : MetricStreamConfiguration.Drop)
                .AddOtlpExporter((exporter, reader) =>
                {
                    // Without an endpoint in the configuration, the exporter has already read OTEL_EXPORTER_OTLP_*.
                    if (options.HasEndpoint)
                    {
                        exporter.Protocol = options.Protocol == OtlpOptions.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                        exporter.Endpoint = SignalEndpoint(new Uri(options.Endpoint!), exporter.Protocol);
                        if (!string.IsNullOrEmpty(options.Headers))
                        {
                            exporter.Headers = options.Headers;
                        }
                    }

                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = checked(options.ExportIntervalSeconds * 1000);
                    endpoint = exporter.Endpoint;
                    protocol = exporter.Protocol;
                })
                .Build();

            // The host and port only: a URL may carry credentials, and the headers are never logged.
            LogExporting(logger, endpoint?.Authority ?? "(default)", protocol == OtlpExportProtocol.Grpc ? OtlpOptions.Grpc : OtlpOptions.HttpProtobuf, options.ExportIntervalSeconds);
            return new OtlpMetricsExport(bridge, provider);
        }
        catch
        {
            bridge.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _provider.Dispose(); // collects and exports once more, so the last interval is not lost
        _bridge.Dispose();
    }

    /// <summary>
    /// An endpoint given in code is used as is, but <see cref="OtlpOptions.Endpoint"/> is a base URL like
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>: over http/protobuf metrics go to <c>/v1/metrics</c> under it.
    /// </summary>
    private static Uri SignalEndpoint(Uri configured, OtlpExportProtocol protocol)
    {
        if (protocol != OtlpExportProtocol.HttpProtobuf || configured.AbsolutePath.EndsWith(MetricsPath, StringComparison.Ordinal))
        {
            return configured;
        }

        var builder = new UriBuilder(configured);
        builder.Path = builder.Path.TrimEnd('/') + MetricsPath;
        return builder.Uri;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "exporting metrics over OTLP to {Endpoint} ({Protocol}) every {IntervalSeconds} s")]
    private static partial void LogExporting(ILogger logger, string endpoint, string protocol, int intervalSeconds);
}
