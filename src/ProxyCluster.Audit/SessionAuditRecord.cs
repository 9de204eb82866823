namespace ProxyCluster.Audit;

/// <summary>
/// A session's life event: connected, authenticated, refused (with the reason the proxy logged, never what the client
/// presented) or terminated (revocation, expiry, operator kill, drain, client goodbye).
/// </summary>
public sealed record SessionAuditRecord : AuditRecord
{
    public required SessionAuditEvent Event { get; init; }

    /// <summary>The token's public id (never the token itself); null before authentication or when it failed before a token was known.</summary>
    public string? TokenId { get; init; }

    /// <summary>Who the token speaks for.</summary>
    public string? Principal { get; init; }

    public AuditAuthMethod? AuthMethod { get; init; }

    /// <summary>The database the client asked for (the route).</summary>
    public string? Database { get; init; }

    /// <summary>Why the session was refused or terminated; text the proxy wrote, never client input.</summary>
    public string? Reason { get; init; }

    /// <summary>The SQLSTATE the client was sent, if any (e.g. <c>28P01</c>, <c>57P01</c>).</summary>
    public string? SqlState { get; init; }
}
