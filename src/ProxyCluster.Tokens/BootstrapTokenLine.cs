using System.Text.Json.Serialization;

namespace ProxyCluster.Tokens;

/// <summary>One line of a bootstrap token file, as JSON sees it. Verifiers only: no line holds a secret.</summary>
internal sealed class BootstrapTokenLine
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("principal")]
    public required string Principal { get; init; }

    [JsonPropertyName("policy")]
    public string? Policy { get; init; }

    /// <summary>Required, even when empty (every route): a misspelt key must not widen a token's reach.</summary>
    [JsonPropertyName("routes")]
    public required IReadOnlyList<string> Routes { get; init; }

    [JsonPropertyName("expires_at")]
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The pg_authid form, <c>SCRAM-SHA-256$&lt;iter&gt;:&lt;salt&gt;$&lt;StoredKey&gt;:&lt;ServerKey&gt;</c>.</summary>
    [JsonPropertyName("scram")]
    public required string Scram { get; init; }

    /// <summary>Base64 of the SHA-256 of the whole token.</summary>
    [JsonPropertyName("sha256")]
    public required string Sha256 { get; init; }
}
