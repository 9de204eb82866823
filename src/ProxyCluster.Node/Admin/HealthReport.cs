using System.Text.Json.Serialization;

namespace ProxyCluster.Node.Admin;

/// <summary>
/// <c>GET /health</c>. <c>degraded</c> means the node serves from the last token state it applied because the
/// control store is unreachable (fail-static).
/// </summary>
public sealed record HealthReport(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("node_id")] string NodeId,
    [property: JsonPropertyName("sessions")] int Sessions,
    [property: JsonPropertyName("connections")] int Connections,
    [property: JsonPropertyName("tokens")] int Tokens,
    [property: JsonPropertyName("journal_position")] long JournalPosition,
    [property: JsonPropertyName("control_store")] string ControlStore);
