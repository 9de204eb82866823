using System.Text.Json.Serialization;

namespace ProxyCluster.Tokens.Journal;

/// <summary>
/// The event-specific part of a journal entry, stored as <c>jsonb</c>. Which fields are set depends on the event:
/// <list type="bullet">
/// <item><c>issued</c>: principal, policy (and policy_document), routes, expires_at (optional), secret.</item>
/// <item><c>rotated</c>: secret (the new current one), previous_not_after (when the secrets held so far stop).</item>
/// <item><c>policy-changed</c>: any of policy (with policy_document), routes, expires_at (with clear_expiry to remove the expiry).</item>
/// <item><c>revoked</c>: nothing, or external and principal for a revoked JWT.</item>
/// <item><c>expired</c>: nothing.</item>
/// </list>
/// Verifiers only; no payload ever holds a token.
/// </summary>
public sealed record TokenEventPayload
{
    public static readonly TokenEventPayload Empty = new();

    [JsonPropertyName("principal")]
    public string? Principal { get; init; }

    [JsonPropertyName("policy")]
    public string? Policy { get; init; }

    /// <summary>The policy's YAML/JSON text when the token carries its own policy; <see cref="Policy"/> is then its name.</summary>
    [JsonPropertyName("policy_document")]
    public string? PolicyDocument { get; init; }

    [JsonPropertyName("routes")]
    public IReadOnlyList<string>? Routes { get; init; }

    [JsonPropertyName("expires_at")]
    public DateTimeOffset? ExpiresAt { get; init; }

    [JsonPropertyName("clear_expiry")]
    public bool ClearExpiry { get; init; }

    [JsonPropertyName("secret")]
    public TokenSecretPayload? Secret { get; init; }

    [JsonPropertyName("previous_not_after")]
    public DateTimeOffset? PreviousNotAfter { get; init; }

    /// <summary>
    /// On a <c>revoked</c> event: the kind of external credential revoked (<c>jwt</c>). Such an id was never issued
    /// here (see <see cref="ExternalTokenIds"/>), so its first event may be the revocation.
    /// </summary>
    [JsonPropertyName("external")]
    public string? External { get; init; }
}

/// <summary>A secret's verifiers as stored: the pg_authid SCRAM string and the base64 SHA-256 of the token.</summary>
public sealed record TokenSecretPayload(
    [property: JsonPropertyName("scram")] string Scram,
    [property: JsonPropertyName("sha256")] string Sha256)
{
    public static TokenSecretPayload From(TokenSecretVerifier verifier) =>
        new(verifier.Scram.ToPostgresString(), Convert.ToBase64String(verifier.Sha256));

    /// <summary>The verifier this payload describes; a <see cref="FormatException"/> when it does not parse.</summary>
    public TokenSecretVerifier ToVerifier()
    {
        if (!Protocol.Scram.ScramVerifier.TryParse(Scram, out var scram))
        {
            throw new FormatException("'scram' is not a SCRAM-SHA-256 verifier");
        }

        var sha256 = new byte[TokenSecretVerifier.Sha256Length];
        if (!Convert.TryFromBase64String(Sha256, sha256, out var written) || written != sha256.Length)
        {
            throw new FormatException($"'sha256' is not the base64 of {sha256.Length} bytes");
        }

        return new TokenSecretVerifier(scram, sha256);
    }
}
