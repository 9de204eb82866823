using System.Buffers;

namespace ProxyCluster.Node.Configuration;

/// <summary>
/// Pushing the node's metrics (the same ones <c>/metrics</c> serves) to an OpenTelemetry collector over OTLP. Off
/// unless <see cref="Endpoint"/> is set, or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable is.
/// </summary>
public sealed class OtlpOptions
{
    public const string Grpc = "grpc";
    public const string HttpProtobuf = "http/protobuf";

    // An HTTP token (RFC 9110): what HttpClient accepts as a header name.
    private static readonly SearchValues<char> HeaderNameCharacters =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>
    /// The collector's base URL, e.g. <c>http://collector:4318</c> (http/protobuf, which posts to <c>/v1/metrics</c>
    /// under it) or <c>http://collector:4317</c> (grpc). Null or empty: with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set,
    /// the exporter is configured by the standard <c>OTEL_EXPORTER_OTLP_*</c> variables alone; without it, no export.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary><c>grpc</c> or <c>http/protobuf</c>.</summary>
    public string Protocol { get; set; } = HttpProtobuf;

    public int ExportIntervalSeconds { get; set; } = 15;

    /// <summary>
    /// Request headers as <c>key=value,key2=value2</c>, e.g. a vendor's API key. Never logged; better given as
    /// <c>PROXYCLUSTER_Proxy__Otlp__Headers</c> than written in the file.
    /// </summary>
    public string? Headers { get; set; }

    /// <summary>True when the configuration names an endpoint (as opposed to leaving it to the environment).</summary>
    public bool HasEndpoint => !string.IsNullOrEmpty(Endpoint);

    public static IEnumerable<string> Validate(OtlpOptions otlp)
    {
        ArgumentNullException.ThrowIfNull(otlp);
        if (otlp.HasEndpoint
            && (!Uri.TryCreate(otlp.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https") || endpoint.Host.Length == 0))
        {
            // Not quoted: some vendors put an API key in the URL.
            yield return "Proxy:Otlp:Endpoint is not an absolute http:// or https:// URL (e.g. http://collector:4318)";
        }

        if (otlp.Protocol is not (Grpc or HttpProtobuf))
        {
            yield return $"Proxy:Otlp:Protocol \"{otlp.Protocol}\" is not {Grpc} or {HttpProtobuf}";
        }

        if (otlp.ExportIntervalSeconds < 1)
        {
            yield return "Proxy:Otlp:ExportIntervalSeconds must be at least 1";
        }

        if (!string.IsNullOrEmpty(otlp.Headers))
        {
            // The value may be a secret: say which entry is wrong by position, never by content.
            var entries = otlp.Headers.Split(',');
            for (var i = 0; i < entries.Length; i++)
            {
                var separator = entries[i].IndexOf('=', StringComparison.Ordinal);
                if (separator <= 0 || !IsHeaderName(entries[i][..separator].Trim()) || entries[i].AsSpan(separator + 1).ContainsAny('\r', '\n'))
                {
                    yield return $"Proxy:Otlp:Headers entry {i + 1} is not key=value (the format is key=value,key2=value2)";
                }
            }

            if (!otlp.HasEndpoint)
            {
                yield return "Proxy:Otlp:Headers is set without Endpoint: set Endpoint, or with OTEL_EXPORTER_OTLP_ENDPOINT use OTEL_EXPORTER_OTLP_HEADERS";
            }
        }
    }

    private static bool IsHeaderName(string name) =>
        name.Length > 0 && !name.AsSpan().ContainsAnyExcept(HeaderNameCharacters);
}
