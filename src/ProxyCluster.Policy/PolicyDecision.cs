using ProxyCluster.Sql;

namespace ProxyCluster.Policy;

/// <summary>
/// The policy's answer for one query (every statement in it), with what the audit trail records. It holds no
/// literal values: relations, functions and settings by name, and the query only as libpg_query normalized it.
/// Decisions are cached and shared; they are immutable.
/// </summary>
public sealed class PolicyDecision
{
    /// <summary>The rule name used when no rule of the document decided (built-in behaviour, or nothing allowed it).</summary>
    public const string DefaultRule = "default";

    internal PolicyDecision(
        string policyName,
        bool allowed,
        string rule,
        string reason,
        string auditReason,
        IReadOnlyList<StatementDecision> statements,
        SqlAnalysis? analysis)
    {
        PolicyName = policyName;
        Allowed = allowed;
        Rule = rule;
        Reason = reason;
        AuditReason = auditReason;
        Statements = statements;
        NormalizedQuery = analysis?.NormalizedQuery;
        Fingerprint = analysis?.Fingerprint;
        AnalysisErrorKind = analysis?.ErrorKind;
    }

    public string PolicyName { get; }

    /// <summary>True when every statement is allowed (an empty query is allowed: nothing runs).</summary>
    public bool Allowed { get; }

    /// <summary>
    /// For a denial, the rule that denied (a deny rule's name, or <see cref="DefaultRule"/> when no rule allowed
    /// it). For an allowed query, the rules that allowed it, comma-separated, or <see cref="DefaultRule"/>.
    /// </summary>
    public string Rule { get; }

    /// <summary>
    /// For the client: why, naming the policy, the rule and the relation, function or setting, e.g.
    /// <c>policy "orders-writer" does not allow UPDATE on table public.users</c>. For a query that could not be
    /// analysed this quotes the parser's error, which may quote the query: use <see cref="AuditReason"/> for logs.
    /// </summary>
    public string Reason { get; }

    /// <summary>Same as <see cref="Reason"/>, except that a parser error is reduced to its kind and position.</summary>
    public string AuditReason { get; }

    /// <summary>One entry per statement, in order; empty when the query could not be analysed or is empty.</summary>
    public IReadOnlyList<StatementDecision> Statements { get; }

    /// <summary>The query with literals replaced by <c>$n</c>; null when it could not be analysed.</summary>
    public string? NormalizedQuery { get; }

    public string? Fingerprint { get; }

    /// <summary>Set when the query could not be analysed (and so was denied).</summary>
    public SqlAnalysisErrorKind? AnalysisErrorKind { get; }

    /// <summary>
    /// A denial decided outside the evaluator, e.g. a token whose policy name is unknown or a protocol message
    /// that is never allowed (<c>FunctionCall</c>).
    /// </summary>
    public static PolicyDecision Deny(string policyName, string reason, string rule = DefaultRule)
    {
        ArgumentNullException.ThrowIfNull(policyName);
        ArgumentNullException.ThrowIfNull(reason);
        ArgumentNullException.ThrowIfNull(rule);
        return new PolicyDecision(policyName, allowed: false, rule, reason, reason, [], null);
    }

    public override string ToString() => (Allowed ? "allow" : "deny") + $" ({Rule}): {AuditReason}";
}
