using System.Text.Json.Serialization;

namespace ProxyCluster.Cli.Admin;

/// <summary>
/// A token as the admin API shows it (ADMIN-API.md, <c>token</c>): never a secret or a verifier. Read leniently:
/// a missing field keeps its default and an unknown one is ignored, so a newer node does not break proxyctl.
/// </summary>
internal sealed record TokenView
{
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    [JsonPropertyName("user")]
    public string? User { get; init; }

    [JsonPropertyName("principal")]
    public string? Principal { get; init; }

    [JsonPropertyName("policy")]
    public string? Policy { get; init; }

    [JsonPropertyName("routes")]
    public IReadOnlyList<string>? Routes { get; init; }

    [JsonPropertyName("expires_at")]
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary><c>active</c>, <c>revoked</c> or <c>expired</c>.</summary>
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    [JsonPropertyName("seq")]
    public long? Seq { get; init; }

    [JsonPropertyName("issued_at")]
    public DateTimeOffset? IssuedAt { get; init; }

    [JsonPropertyName("issued_by")]
    public string? IssuedBy { get; init; }

    [JsonPropertyName("updated_at")]
    public DateTimeOffset? UpdatedAt { get; init; }

    [JsonPropertyName("ended_at")]
    public DateTimeOffset? EndedAt { get; init; }

    [JsonPropertyName("ended_by")]
    public string? EndedBy { get; init; }

    [JsonPropertyName("end_reason")]
    public string? EndReason { get; init; }

    [JsonPropertyName("secrets")]
    public IReadOnlyList<SecretView>? Secrets { get; init; }

    /// <summary>Base64 of the SCRAM salt every secret of this token shares; a rotation derives the new verifier with it.</summary>
    [JsonPropertyName("scram_salt")]
    public string? ScramSalt { get; init; }

    [JsonPropertyName("scram_iterations")]
    public int? ScramIterations { get; init; }

    [JsonPropertyName("ordering")]
    public long? Ordering { get; init; }
}

/// <summary>One secret of a token: only until when it works (null for the current one).</summary>
internal sealed record SecretView
{
    [JsonPropertyName("not_after")]
    public DateTimeOffset? NotAfter { get; init; }
}
