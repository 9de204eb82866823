using ProxyCluster.Protocol.Errors;

namespace ProxyCluster.Sessions.Lifecycle;

/// <summary>Something the rest of the node asks a live session to do; delivered through its mailbox.</summary>
public abstract record SessionCommand;

/// <summary>
/// End the session with a FATAL error that says why (revoked or expired token, operator kill, drain).
/// <paramref name="Reason"/> is for logs and audit.
/// </summary>
public sealed record TerminateSession(PostgresError Error, string Reason) : SessionCommand;
