namespace ProxyCluster.Audit;

/// <summary>
/// One query checked by the policy: who ran it, against what, what the proxy decided and how it went.
/// <see cref="NormalizedQuery"/> must be libpg_query's normalized text (literals replaced by <c>$n</c>): the producer
/// never passes raw query text or parameter values, so the trail cannot carry a literal secret.
/// </summary>
public sealed record StatementAuditRecord : AuditRecord
{
    public required string TokenId { get; init; }

    public required string Principal { get; init; }

    public required string Database { get; init; }

    /// <summary>The kind of each statement in the query, in source order (e.g. <c>select</c>, <c>insert</c>).</summary>
    public required IReadOnlyList<string> StatementKinds { get; init; }

    /// <summary>Every relation the query touches with the access it needs.</summary>
    public required IReadOnlyList<AuditRelation> Relations { get; init; }

    public required AuditDecision Decision { get; init; }

    /// <summary>The policy rule that decided (allow or deny).</summary>
    public string? Rule { get; init; }

    /// <summary>Why it was denied; the policy's audit reason, which never quotes the query.</summary>
    public string? Reason { get; init; }

    /// <summary>From forwarding the query to its last result; null when it was not executed.</summary>
    public long? DurationMicroseconds { get; init; }

    /// <summary>Rows affected or returned, from <c>CommandComplete</c>.</summary>
    public long? Rows { get; init; }

    /// <summary>The SQLSTATE of the error the client saw, if any (<c>42501</c> for a denial).</summary>
    public string? SqlState { get; init; }

    /// <summary>The query normalized by libpg_query; never the raw text.</summary>
    public string? NormalizedQuery { get; init; }

    /// <summary>libpg_query's fingerprint (hex): equal for queries that differ only in literals.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>
    /// The bound values of an executed prepared statement, in order; null (and absent from every sink) unless the
    /// session's route asks for parameter values.
    /// </summary>
    public IReadOnlyList<AuditParameter>? Parameters { get; init; }
}
