using System.Text.Json.Serialization;

namespace ProxyCluster.Node.Admin;

public sealed record HealthReport(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("node_id")] string NodeId,
    [property: JsonPropertyName("sessions")] int Sessions,
    [property: JsonPropertyName("connections")] int Connections,
    [property: JsonPropertyName("tokens")] int Tokens);

[JsonSerializable(typeof(HealthReport))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
