namespace ProxyCluster.Tokens.Journal;

/// <summary>
/// An event that cannot follow the token's current state. <see cref="IsGap"/> when the replica missed an event of
/// the token (its seq skips ahead): rebuilding from the journal fixes that. Otherwise the event itself cannot be
/// applied (a rotation of a revoked token, an unreadable payload), and no rebuild would change that.
/// </summary>
public sealed class TokenJournalException(string message, bool isGap = false) : InvalidOperationException(message)
{
    public bool IsGap { get; } = isGap;
}
