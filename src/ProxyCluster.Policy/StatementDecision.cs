using ProxyCluster.Sql;

namespace ProxyCluster.Policy;

/// <summary>The decision for one statement of a query, for the audit trail.</summary>
public sealed class StatementDecision
{
    internal StatementDecision(
        StatementAnalysis statement,
        bool allowed,
        string rule,
        string reason,
        IReadOnlyList<ResolvedRelation> relations,
        IReadOnlyList<string> grantingRules)
    {
        Kind = statement.Kind;
        NodeType = statement.NodeType;
        InnerKind = statement.Inner?.Kind;
        SettingName = statement.SettingName;
        Functions = statement.Functions;
        Allowed = allowed;
        Rule = rule;
        Reason = reason;
        Relations = relations;
        GrantingRules = grantingRules;
    }

    public StatementKind Kind { get; }

    /// <summary>libpg_query's node name (<c>SelectStmt</c>, …).</summary>
    public string NodeType { get; }

    /// <summary>For EXPLAIN, PREPARE and DECLARE CURSOR: the kind of the statement inside.</summary>
    public StatementKind? InnerKind { get; }

    public bool Allowed { get; }

    /// <summary>The deciding rule (see <see cref="PolicyDecision.Rule"/>).</summary>
    public string Rule { get; }

    public string Reason { get; }

    /// <summary>The relations with the schema they resolve to under the policy's search_path, and the access needed.</summary>
    public IReadOnlyList<ResolvedRelation> Relations { get; }

    public IReadOnlyList<FunctionReference> Functions { get; }

    /// <summary>For SET / SHOW / RESET: the setting's name.</summary>
    public string? SettingName { get; }

    /// <summary>The document rules that allowed parts of the statement, in order; empty when only defaults did.</summary>
    internal IReadOnlyList<string> GrantingRules { get; }

    public override string ToString() =>
        $"{(Allowed ? "allow" : "deny")} {Kind}" + (Relations.Count == 0 ? string.Empty : $" [{string.Join(", ", Relations)}]");
}
