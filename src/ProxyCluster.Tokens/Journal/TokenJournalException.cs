namespace ProxyCluster.Tokens.Journal;

/// <summary>An event that cannot follow the token's current state (e.g. rotating a revoked token, a missed seq).</summary>
public sealed class TokenJournalException(string message) : InvalidOperationException(message);
