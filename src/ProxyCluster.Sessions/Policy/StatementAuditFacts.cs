using ProxyCluster.Audit;

namespace ProxyCluster.Sessions.Policy;

/// <summary>
/// What the audit trail and the metrics record about one checked query: its statement kinds, the relations it
/// touches, the rule that decided and why, and the query as libpg_query normalized it (literals replaced by
/// <c>$n</c>). Never raw text. The gate builds one per distinct decision and reuses it, so checking a query seen
/// before allocates nothing for it.
/// </summary>
public sealed class StatementAuditFacts(
    IReadOnlyList<string> statementKinds,
    IReadOnlyList<AuditRelation> relations,
    string? rule,
    string? reason,
    string? normalizedQuery,
    string? fingerprint)
{
    /// <summary>For a query the proxy could not read: no kinds, no relations, no text.</summary>
    public static StatementAuditFacts Unreadable(string reason) => new([], [], "default", reason, null, null);

    public IReadOnlyList<string> StatementKinds { get; } = statementKinds;

    public IReadOnlyList<AuditRelation> Relations { get; } = relations;

    public string? Rule { get; } = rule;

    /// <summary>The audit form of the reason: never quotes the query.</summary>
    public string? Reason { get; } = reason;

    public string? NormalizedQuery { get; } = normalizedQuery;

    public string? Fingerprint { get; } = fingerprint;

    /// <summary>The label the statements metric counts the query under: its single kind, or "multi"/"unknown".</summary>
    public string KindLabel => StatementKinds.Count switch
    {
        0 => "unknown",
        1 => StatementKinds[0],
        _ => "multi",
    };
}
