using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Tokens.Tests.Journal;

/// <summary>Builds journal events for a minted token as a writer would commit them.</summary>
internal sealed class JournalEvents
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, TokenSecretVerifier> _issued = new(StringComparer.Ordinal);
    private long _ordering;

    public static DateTimeOffset At(int seconds) => Start.AddSeconds(seconds);

    public TokenEvent Issued(out string id, int seq = 1, DateTimeOffset? expiresAt = null)
    {
        var verifier = TokenSecretVerifier.Create(ApiToken.Mint(out id));
        _issued[id] = verifier;
        return Next(id, seq, TokenEventType.Issued, new TokenEventPayload
        {
            Principal = "svc-reports",
            Routes = ["sales"],
            ExpiresAt = expiresAt,
            Secret = TokenSecretPayload.From(verifier),
        });
    }

    public TokenEvent Rotated(string id, int seq, DateTimeOffset previousNotAfter)
    {
        var scram = _issued[id].Scram;
        var verifier = TokenSecretVerifier.Create(ApiToken.MintWithId(id), scram.Salt, scram.Iterations);
        return Next(id, seq, TokenEventType.Rotated, new TokenEventPayload { Secret = TokenSecretPayload.From(verifier), PreviousNotAfter = previousNotAfter });
    }

    public TokenEvent Revoked(string id, int seq) => Next(id, seq, TokenEventType.Revoked, TokenEventPayload.Empty, reason: "leaked");

    public TokenEvent Expired(string id, int seq) => Next(id, seq, TokenEventType.Expired, TokenEventPayload.Empty);

    public TokenEvent PolicyChanged(string id, int seq, TokenEventPayload payload) => Next(id, seq, TokenEventType.PolicyChanged, payload);

    private TokenEvent Next(string id, int seq, TokenEventType type, TokenEventPayload payload, string? reason = null)
    {
        var ordering = ++_ordering;
        return new TokenEvent(ordering, id, seq, type, At((int)ordering), "alice", reason, payload);
    }
}
