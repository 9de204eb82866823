namespace ProxyCluster.Sessions.Metrics;

/// <summary>How a Prometheus metric is named on a <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
internal static class MeterNaming
{
    private const string TotalSuffix = "_total";

    /// <summary>
    /// The Prometheus name, but a counter loses its <c>_total</c>: OpenTelemetry names the sum, and the OTLP to
    /// Prometheus conversion appends <c>_total</c> to a monotonic sum, which would make it <c>_total_total</c>.
    /// </summary>
    public static string InstrumentName(string name, string type) =>
        type == "counter" && name.EndsWith(TotalSuffix, StringComparison.Ordinal) && name.Length > TotalSuffix.Length
            ? name[..^TotalSuffix.Length]
            : name;

    /// <summary>The UCUM unit the name's suffix states (seconds, bytes), or null; the conversion keeps the suffix once.</summary>
    public static string? UnitOf(string instrumentName) =>
        instrumentName.EndsWith("_seconds", StringComparison.Ordinal) ? "s"
        : instrumentName.EndsWith("_bytes", StringComparison.Ordinal) ? "By"
        : null;
}
