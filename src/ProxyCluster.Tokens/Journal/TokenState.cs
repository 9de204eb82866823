namespace ProxyCluster.Tokens.Journal;

/// <summary>
/// A token's current state: the fold of its journal events (<see cref="TokenFold"/>). Kept for revoked and expired
/// tokens too, so operators can still see them; only active ones are in the <see cref="TokenRegistry"/>.
/// </summary>
public sealed record TokenState(
    TokenRecord Record,
    TokenStatus Status,
    int Seq,
    DateTimeOffset IssuedAt,
    string IssuedBy,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? EndedAt = null,
    string? EndedBy = null,
    string? EndReason = null)
{
    public string Id => Record.Id;

    /// <summary>The status as the clock sees it: an active token past its expiry is expired before any event says so.</summary>
    public TokenStatus StatusAt(DateTimeOffset now) =>
        Status == TokenStatus.Active && Record.IsExpired(now) ? TokenStatus.Expired : Status;
}
