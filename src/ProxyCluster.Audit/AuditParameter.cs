namespace ProxyCluster.Audit;

/// <summary>
/// One bound parameter of an executed prepared statement, recorded only for routes that ask for parameter values
/// (they are what a literal would have been, so they may well be secrets). <see cref="Value"/> is null for SQL NULL
/// and for a value the proxy did not see. It is the value as text: sent as text, or sent in binary and rendered
/// the way PostgreSQL prints its type; <see cref="Binary"/> when the proxy could not render it, and then
/// <see cref="Value"/> is the bytes in hex. A value
/// longer than the recording limit, or beyond the part of the message the proxy reads, is cut:
/// <see cref="Truncated"/> says so.
/// </summary>
public readonly record struct AuditParameter(string? Value, bool Binary = false, bool Truncated = false)
{
    public static AuditParameter Null => default;

    /// <summary>A parameter whose value lies beyond what the proxy reads of the message.</summary>
    public static AuditParameter Unseen => new(null, Truncated: true);
}
