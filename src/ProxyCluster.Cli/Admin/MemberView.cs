using System.Text.Json.Serialization;

namespace ProxyCluster.Cli.Admin;

/// <summary>A node of the cluster as its membership row says (ADMIN-API.md, <c>member</c>).</summary>
internal sealed record MemberView
{
    [JsonPropertyName("node_id")]
    public string NodeId { get; init; } = "";

    [JsonPropertyName("ordinal")]
    public int? Ordinal { get; init; }

    [JsonPropertyName("postgres_addresses")]
    public IReadOnlyList<string>? PostgresAddresses { get; init; }

    [JsonPropertyName("admin_url")]
    public string? AdminUrl { get; init; }

    [JsonPropertyName("version")]
    public string? Version { get; init; }

    [JsonPropertyName("started_at")]
    public DateTimeOffset? StartedAt { get; init; }

    [JsonPropertyName("last_heartbeat")]
    public DateTimeOffset? LastHeartbeat { get; init; }

    [JsonPropertyName("journal_position")]
    public long? JournalPosition { get; init; }

    /// <summary><c>up</c>, <c>unreachable</c> or <c>stopped</c>.</summary>
    [JsonPropertyName("state")]
    public string? State { get; init; }
}
