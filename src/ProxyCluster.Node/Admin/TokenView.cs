using System.Text.Json.Serialization;
using ProxyCluster.Tokens;
using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Node.Admin;

/// <summary>A token as the admin API shows it: everything but secrets and verifiers (the SCRAM salt is public).</summary>
public sealed record TokenView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("principal")] string Principal,
    [property: JsonPropertyName("policy")] string Policy,
    [property: JsonPropertyName("policy_carried")] bool PolicyCarried,
    [property: JsonPropertyName("routes")] IReadOnlyList<string> Routes,
    [property: JsonPropertyName("expires_at")] DateTimeOffset? ExpiresAt,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("seq")] int Seq,
    [property: JsonPropertyName("issued_at")] DateTimeOffset IssuedAt,
    [property: JsonPropertyName("issued_by")] string IssuedBy,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("ended_at")] DateTimeOffset? EndedAt,
    [property: JsonPropertyName("ended_by")] string? EndedBy,
    [property: JsonPropertyName("end_reason")] string? EndReason,
    [property: JsonPropertyName("secrets")] IReadOnlyList<SecretView> Secrets,
    [property: JsonPropertyName("scram_salt")] string ScramSalt,
    [property: JsonPropertyName("scram_iterations")] int ScramIterations,
    [property: JsonPropertyName("ordering")] long? Ordering)
{
    public static TokenView From(TokenState state, DateTimeOffset now, long? ordering = null)
    {
        var record = state.Record;
        var secrets = new SecretView[record.Secrets.Count];
        for (var i = 0; i < secrets.Length; i++)
        {
            secrets[i] = new SecretView(record.Secrets[i].NotAfter);
        }

        var scram = record.Secrets.Count > 0 ? record.Secrets[0].Scram : null; // none for a revoked JWT
        return new TokenView(
            record.Id,
            ApiToken.UserNameFor(record.Id),
            record.Principal,
            record.Policy,
            record.PolicyDocument is not null,
            record.Routes,
            record.ExpiresAt,
            state.StatusAt(now).ToName(),
            state.Seq,
            state.IssuedAt,
            state.IssuedBy,
            state.UpdatedAt,
            state.EndedAt,
            state.EndedBy,
            state.EndReason,
            secrets,
            scram is null ? string.Empty : Convert.ToBase64String(scram.Salt),
            scram?.Iterations ?? 0,
            ordering);
    }
}

/// <summary>One secret of a token: only when it stops working (null for the current one).</summary>
public sealed record SecretView([property: JsonPropertyName("not_after")] DateTimeOffset? NotAfter);
