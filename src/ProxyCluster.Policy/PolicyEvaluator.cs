using ProxyCluster.Policy.Evaluation;
using ProxyCluster.Sql;

namespace ProxyCluster.Policy;

/// <summary>
/// Decides whether a policy allows an analysed query. Fails closed everywhere: a query that could not be
/// analysed, a statement the analyzer does not understand, and anything no rule allows are denied; one denied
/// statement denies the whole query. POLICY.md describes the semantics statement by statement.
/// </summary>
public static class PolicyEvaluator
{
    /// <summary>
    /// The decision for <paramref name="analysis"/> under <paramref name="policy"/>. Cached per analysis
    /// instance, so the hot path (a statement the analyzer has cached) is a lookup without allocation.
    /// </summary>
    public static PolicyDecision Evaluate(SqlPolicy policy, SqlAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Evaluate(analysis);
    }

    /// <summary>Evaluates without the cache (the cache calls this once per analysis).</summary>
    internal static PolicyDecision Compute(SqlPolicy policy, SqlAnalysis analysis)
    {
        if (!analysis.Succeeded)
        {
            var position = analysis.ErrorPosition is { } p ? $" at position {p}" : string.Empty;
            return new PolicyDecision(
                policy.Name,
                allowed: false,
                PolicyDecision.DefaultRule,
                $"the proxy could not analyse the query, so {policy.Quoted} denies it: {analysis.Error}",
                $"the proxy could not analyse the query ({analysis.ErrorKind}{position})",
                [],
                analysis);
        }

        var statements = analysis.Statements;
        if (statements.Count == 0)
        {
            const string empty = "the query is empty: nothing runs";
            return new PolicyDecision(policy.Name, allowed: true, PolicyDecision.DefaultRule, empty, empty, [], analysis);
        }

        var checker = new StatementChecker(policy);
        var decisions = new StatementDecision[statements.Count];
        StatementDecision? denied = null;
        var deniedIndex = 0;
        for (var i = 0; i < decisions.Length; i++)
        {
            decisions[i] = checker.Check(statements[i]);
            if (denied is null && !decisions[i].Allowed)
            {
                denied = decisions[i];
                deniedIndex = i;
            }
        }

        if (denied is not null)
        {
            var reason = decisions.Length == 1 ? denied.Reason : $"statement {deniedIndex + 1} of {decisions.Length}: {denied.Reason}";
            return new PolicyDecision(policy.Name, allowed: false, denied.Rule, reason, reason, decisions, analysis);
        }

        var rules = decisions.Length == 1
            ? decisions[0].Rule
            : string.Join(", ", decisions.SelectMany(d => d.GrantingRules).Distinct(StringComparer.Ordinal).DefaultIfEmpty(PolicyDecision.DefaultRule));
        var allowedReason = rules == PolicyDecision.DefaultRule ? $"{policy.Quoted} allows it" : $"{policy.Quoted} allows it (rules: {rules})";
        return new PolicyDecision(policy.Name, allowed: true, rules, allowedReason, allowedReason, decisions, analysis);
    }
}
