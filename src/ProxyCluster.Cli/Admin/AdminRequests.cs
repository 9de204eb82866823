using System.Text.Json.Serialization;
using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Cli.Admin;

// Request bodies. Null members are left out (see AdminJsonContext): the node refuses unknown keys, and an absent
// optional field means "not given", which is not always what an explicit null would mean. None carries a token:
// only its verifiers (TokenSecretPayload) ever leave proxyctl.

/// <summary><c>POST /v1/tokens</c>: a token proxyctl minted, as verifiers.</summary>
internal sealed record CreateTokenRequest(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("principal")] string Principal,
    [property: JsonPropertyName("policy")] string? Policy,
    [property: JsonPropertyName("policy_document")] string? PolicyDocument,
    [property: JsonPropertyName("routes")] IReadOnlyList<string>? Routes,
    [property: JsonPropertyName("expires_at")] DateTimeOffset? ExpiresAt,
    [property: JsonPropertyName("secret")] TokenSecretPayload Secret,
    [property: JsonPropertyName("actor")] string? Actor);

/// <summary><c>POST /v1/tokens/{id}/revoke</c>.</summary>
internal sealed record RevokeTokenRequest(
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("actor")] string? Actor);

/// <summary><c>POST /v1/jwt/revoke</c>: a JWT by its issuer and jti (or subject).</summary>
internal sealed record RevokeJwtRequest(
    [property: JsonPropertyName("issuer")] string Issuer,
    [property: JsonPropertyName("jti"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Jti,
    [property: JsonPropertyName("subject"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Subject,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("actor"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Actor);

/// <summary><c>POST /v1/tokens/{id}/rotate</c>: the new secret's verifiers, derived with the token's salt.</summary>
internal sealed record RotateTokenRequest(
    [property: JsonPropertyName("secret")] TokenSecretPayload Secret,
    [property: JsonPropertyName("overlap_seconds")] long OverlapSeconds,
    [property: JsonPropertyName("actor")] string? Actor);

/// <summary><c>POST /v1/tokens/{id}/scopes</c>: only what changes is sent.</summary>
internal sealed record ChangeScopesRequest(
    [property: JsonPropertyName("policy")] string? Policy,
    [property: JsonPropertyName("policy_document")] string? PolicyDocument,
    [property: JsonPropertyName("routes")] IReadOnlyList<string>? Routes,
    [property: JsonPropertyName("expires_at")] DateTimeOffset? ExpiresAt,
    [property: JsonPropertyName("clear_expiry")] bool? ClearExpiry,
    [property: JsonPropertyName("actor")] string? Actor);

/// <summary><c>POST /v1/sessions/{id}/kill</c>.</summary>
internal sealed record KillSessionRequest(
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("actor")] string? Actor);
