using System.Text.Json.Serialization;

namespace ProxyCluster.Cli.Admin;

/// <summary>What the audit table shows of a record (ADMIN-API.md, <c>record</c>); read leniently like every answer.</summary>
internal sealed record AuditRecordView
{
    [JsonPropertyName("id")]
    public long Id { get; init; }

    /// <summary><c>session</c> or <c>statement</c>.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("time")]
    public DateTimeOffset? Time { get; init; }

    [JsonPropertyName("node_id")]
    public string? NodeId { get; init; }

    [JsonPropertyName("session_id")]
    public string? SessionId { get; init; }

    /// <summary>A session's event: connected, authenticated, refused, terminated.</summary>
    [JsonPropertyName("event")]
    public string? Event { get; init; }

    [JsonPropertyName("token_id")]
    public string? TokenId { get; init; }

    [JsonPropertyName("principal")]
    public string? Principal { get; init; }

    /// <summary>A statement's decision: allow or deny.</summary>
    [JsonPropertyName("decision")]
    public string? Decision { get; init; }

    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    [JsonPropertyName("sql_state")]
    public string? SqlState { get; init; }

    [JsonPropertyName("rows")]
    public long? Rows { get; init; }

    [JsonPropertyName("duration_microseconds")]
    public long? DurationMicroseconds { get; init; }

    [JsonPropertyName("normalized_query")]
    public string? NormalizedQuery { get; init; }
}
