using System.Text.Json.Serialization;
using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Node.Admin;

/// <summary><c>POST /v1/tokens</c>: the verifiers of a token proxyctl minted, never the token.</summary>
public sealed record CreateTokenRequest(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("principal")] string Principal,
    [property: JsonPropertyName("policy")] string? Policy,
    [property: JsonPropertyName("policy_document")] string? PolicyDocument,
    [property: JsonPropertyName("routes")] IReadOnlyList<string>? Routes,
    [property: JsonPropertyName("expires_at")] DateTimeOffset? ExpiresAt,
    [property: JsonPropertyName("secret")] TokenSecretPayload Secret,
    [property: JsonPropertyName("actor")] string? Actor);

public sealed record RevokeTokenRequest(
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("actor")] string? Actor);

public sealed record RotateTokenRequest(
    [property: JsonPropertyName("secret")] TokenSecretPayload Secret,
    [property: JsonPropertyName("overlap_seconds")] double? OverlapSeconds,
    [property: JsonPropertyName("actor")] string? Actor);

public sealed record ChangeScopesRequest(
    [property: JsonPropertyName("policy")] string? Policy,
    [property: JsonPropertyName("policy_document")] string? PolicyDocument,
    [property: JsonPropertyName("routes")] IReadOnlyList<string>? Routes,
    [property: JsonPropertyName("expires_at")] DateTimeOffset? ExpiresAt,
    [property: JsonPropertyName("clear_expiry")] bool? ClearExpiry,
    [property: JsonPropertyName("actor")] string? Actor);

/// <summary><c>POST /v1/jwt/revoke</c>: which JWT (issuer and jti, or subject) and why.</summary>
public sealed record RevokeJwtRequest(
    [property: JsonPropertyName("issuer")] string Issuer,
    [property: JsonPropertyName("jti")] string? Jti,
    [property: JsonPropertyName("subject")] string? Subject,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("actor")] string? Actor);

public sealed record KillSessionRequest(
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("actor")] string? Actor);

/// <summary>A CancelRequest's key, forwarded by the node a client's cancel connection reached (<c>POST /v1/cancel</c>).</summary>
public sealed record CancelKeyRequest(
    [property: JsonPropertyName("process_id")] int ProcessId,
    [property: JsonPropertyName("secret_key")] int SecretKey);
