using System.Text.Json.Serialization;

namespace ProxyCluster.Node.Admin;

public sealed record TokenListResponse([property: JsonPropertyName("tokens")] IReadOnlyList<TokenView> Tokens);

public sealed record RevokeTokenResponse(
    [property: JsonPropertyName("token")] TokenView Token,
    [property: JsonPropertyName("already_revoked")] bool AlreadyRevoked);

public sealed record SessionListResponse(
    [property: JsonPropertyName("sessions")] IReadOnlyList<SessionView> Sessions,
    [property: JsonPropertyName("unreachable_nodes")] IReadOnlyList<string> UnreachableNodes);

public sealed record KillSessionResponse([property: JsonPropertyName("session")] SessionView Session);

public sealed record MemberView(
    [property: JsonPropertyName("node_id")] string NodeId,
    [property: JsonPropertyName("ordinal")] int Ordinal,
    [property: JsonPropertyName("postgres_addresses")] IReadOnlyList<string> PostgresAddresses,
    [property: JsonPropertyName("admin_url")] string? AdminUrl,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("last_heartbeat")] DateTimeOffset LastHeartbeat,
    [property: JsonPropertyName("journal_position")] long JournalPosition,
    [property: JsonPropertyName("state")] string State);

public sealed record ClusterResponse(
    [property: JsonPropertyName("self")] string Self,
    [property: JsonPropertyName("control_store")] string ControlStore,
    [property: JsonPropertyName("members")] IReadOnlyList<MemberView> Members);

/// <summary>Every error answer: what went wrong, for people, and a stable code, for scripts.</summary>
public sealed record AdminError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("code")] string Code);

/// <summary>What became of a forwarded CancelRequest, for the forwarding node's log.</summary>
public sealed record CancelKeyResponse([property: JsonPropertyName("outcome")] string Outcome);
