using ProxyCluster.Protocol.Errors;

namespace ProxyCluster.Sessions.Lifecycle;

/// <summary>Something the rest of the node asks a live session to do; delivered through its mailbox.</summary>
public abstract record SessionCommand;

/// <summary>
/// End the session with a FATAL error that says why (revoked or expired token, operator kill, drain).
/// <paramref name="Reason"/> is for logs and audit.
/// </summary>
public sealed record TerminateSession(PostgresError Error, string Reason) : SessionCommand;

/// <summary>
/// End the session at its next idle point — outside a transaction, with nothing sent to the server since — with
/// a FATAL that says why (the node is draining). A session idle already ends at once; one in a transaction
/// finishes it first. Whoever asks also decides how long to wait before a <see cref="TerminateSession"/>.
/// </summary>
public sealed record DrainSession(PostgresError Error, string Reason) : SessionCommand;
