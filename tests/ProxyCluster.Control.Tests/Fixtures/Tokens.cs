using ProxyCluster.Control.Journal;
using ProxyCluster.Tokens;
using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Control.Tests.Fixtures;

/// <summary>Builds append requests for freshly minted tokens (verifiers only, as the admin API receives them).</summary>
public sealed class TestTokenFactory
{
    private readonly Dictionary<string, TokenSecretVerifier> _first = new(StringComparer.Ordinal);

    public TokenAppend Issue(out string id, DateTimeOffset? expiresAt = null, string principal = "svc-reports")
    {
        var token = ApiToken.Mint(out id);
        var verifier = TokenSecretVerifier.Create(token);
        _first[id] = verifier;
        return new TokenAppend(id, TokenEventType.Issued, "alice", null, new TokenEventPayload
        {
            Principal = principal,
            Routes = ["sales"],
            ExpiresAt = expiresAt,
            Secret = TokenSecretPayload.From(verifier),
        });
    }

    /// <summary>A rotation with a new secret that shares the issued secret's salt, as proxyctl derives it.</summary>
    public TokenAppend Rotate(string id, TimeSpan overlap)
    {
        var first = _first[id].Scram;
        var verifier = TokenSecretVerifier.Create(ApiToken.MintWithId(id), first.Salt, first.Iterations);
        return new TokenAppend(id, TokenEventType.Rotated, "alice", "scheduled", new TokenEventPayload
        {
            Secret = TokenSecretPayload.From(verifier),
            PreviousNotAfter = DateTimeOffset.UtcNow + overlap,
        });
    }

    public static TokenAppend Revoke(string id, string actor = "bob", string reason = "leaked") =>
        new(id, TokenEventType.Revoked, actor, reason, TokenEventPayload.Empty);

    public static TokenAppend Expire(string id) =>
        new(id, TokenEventType.Expired, "node:n1", null, TokenEventPayload.Empty);
}
