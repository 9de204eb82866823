using System.Text.Json.Serialization;

namespace ProxyCluster.Cli.Admin;

/// <summary>A live session (ADMIN-API.md, <c>session</c>); its id, <c>&lt;node ordinal&gt;-&lt;n&gt;</c>, names the owning node.</summary>
internal sealed record SessionView
{
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    [JsonPropertyName("node_id")]
    public string? NodeId { get; init; }

    [JsonPropertyName("token_id")]
    public string? TokenId { get; init; }

    [JsonPropertyName("principal")]
    public string? Principal { get; init; }

    [JsonPropertyName("database")]
    public string? Database { get; init; }

    [JsonPropertyName("client_address")]
    public string? ClientAddress { get; init; }

    [JsonPropertyName("started_at")]
    public DateTimeOffset? StartedAt { get; init; }
}
