namespace ProxyCluster.Node.Tests.Otlp;

/// <summary>
/// An OTLP <c>ExportMetricsServiceRequest</c> decoded with <see cref="ProtoWire"/>, field numbers as in
/// opentelemetry-proto (<c>collector/metrics/v1/metrics_service.proto</c>, <c>metrics/v1/metrics.proto</c>,
/// <c>common/v1/common.proto</c>, <c>resource/v1/resource.proto</c>). Only what the tests look at is kept.
/// </summary>
internal sealed record ExportedMetrics(IReadOnlyDictionary<string, string> Resource, IReadOnlyList<ExportedMetric> Metrics)
{
    public ExportedMetric? Find(string name) => Metrics.FirstOrDefault(m => m.Name == name);

    public static ExportedMetrics Decode(ReadOnlyMemory<byte> request)
    {
        var resource = new Dictionary<string, string>(StringComparer.Ordinal);
        var metrics = new List<ExportedMetric>();
        foreach (var resourceMetrics in Fields(request, 1)) // ExportMetricsServiceRequest.resource_metrics
        {
            foreach (var resourceMessage in Fields(resourceMetrics.Bytes, 1)) // ResourceMetrics.resource
            {
                Attributes(resourceMessage.Bytes, 1, resource); // Resource.attributes
            }

            foreach (var scopeMetrics in Fields(resourceMetrics.Bytes, 2)) // ResourceMetrics.scope_metrics
            {
                foreach (var metric in Fields(scopeMetrics.Bytes, 2)) // ScopeMetrics.metrics
                {
                    metrics.Add(ExportedMetric.Decode(metric.Bytes));
                }
            }
        }

        return new ExportedMetrics(resource, metrics);
    }

    internal static IEnumerable<ProtoField> Fields(ReadOnlyMemory<byte> message, int number) =>
        ProtoWire.Fields(message).Where(f => f.Number == number);

    /// <summary>Repeated KeyValue{key = 1, value = 2: AnyValue{string_value = 1}}; non-string values are left out.</summary>
    internal static Dictionary<string, string> Attributes(ReadOnlyMemory<byte> message, int number, Dictionary<string, string>? into = null)
    {
        into ??= new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in Fields(message, number))
        {
            var key = Fields(keyValue.Bytes, 1).Single().AsString;
            foreach (var anyValue in Fields(keyValue.Bytes, 2))
            {
                foreach (var text in Fields(anyValue.Bytes, 1))
                {
                    into[key] = text.AsString;
                }
            }
        }

        return into;
    }
}

/// <param name="Kind">Which of Metric's data fields was set: gauge (5), sum (7) or histogram (9).</param>
internal sealed record ExportedMetric(string Name, string Description, string Unit, string Kind, IReadOnlyList<ExportedPoint> Points)
{
    public ExportedPoint Point(string key, string value) => Points.Single(p => p.Attributes.TryGetValue(key, out var actual) && actual == value);

    public static ExportedMetric Decode(ReadOnlyMemory<byte> metric)
    {
        string Text(int number) => ExportedMetrics.Fields(metric, number).Select(f => f.AsString).SingleOrDefault() ?? "";

        var points = new List<ExportedPoint>();
        var kind = "";
        foreach (var (number, name) in new[] { (5, "gauge"), (7, "sum"), (9, "histogram") })
        {
            foreach (var data in ExportedMetrics.Fields(metric, number))
            {
                kind = name;
                foreach (var point in ExportedMetrics.Fields(data.Bytes, 1)) // Gauge/Sum/Histogram.data_points
                {
                    points.Add(number == 9 ? ExportedPoint.DecodeHistogram(point.Bytes) : ExportedPoint.DecodeNumber(point.Bytes));
                }
            }
        }

        return new ExportedMetric(Text(1), Text(2), Text(3), kind, points);
    }
}

internal sealed record ExportedPoint(
    IReadOnlyDictionary<string, string> Attributes,
    double? AsDouble,
    long? AsInt,
    ulong Count,
    double Sum,
    IReadOnlyList<ulong> BucketCounts,
    IReadOnlyList<double> ExplicitBounds)
{
    /// <summary>NumberDataPoint: attributes = 7, as_double = 4 (double), as_int = 6 (sfixed64).</summary>
    public static ExportedPoint DecodeNumber(ReadOnlyMemory<byte> point)
    {
        var asDouble = ExportedMetrics.Fields(point, 4).Select(f => (double?)f.AsDouble).SingleOrDefault();
        var asInt = ExportedMetrics.Fields(point, 6).Select(f => (long?)unchecked((long)f.Value)).SingleOrDefault();
        return new ExportedPoint(ExportedMetrics.Attributes(point, 7), asDouble, asInt, 0, 0, [], []);
    }

    /// <summary>
    /// HistogramDataPoint: attributes = 9, count = 4 (fixed64), sum = 5 (double), bucket_counts = 6 (repeated
    /// fixed64), explicit_bounds = 7 (repeated double).
    /// </summary>
    public static ExportedPoint DecodeHistogram(ReadOnlyMemory<byte> point) => new(
        ExportedMetrics.Attributes(point, 9),
        null,
        null,
        ExportedMetrics.Fields(point, 4).Select(f => f.Value).SingleOrDefault(), // proto3 leaves zeros out
        ExportedMetrics.Fields(point, 5).Select(f => f.AsDouble).SingleOrDefault(),
        [.. ExportedMetrics.Fields(point, 6).SelectMany(f => f.Fixed64s())],
        [.. ExportedMetrics.Fields(point, 7).SelectMany(f => f.Fixed64s()).Select(BitConverter.UInt64BitsToDouble)]);
}
