using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using ProxyCluster.Audit;
using ProxyCluster.Policy;
using ProxyCluster.Sessions.Policy;
using ProxyCluster.Sql;

namespace ProxyCluster.Node.Policy;

/// <summary>
/// The audit facts of a policy decision, built once per decision. Decisions are cached per distinct query, so a
/// query seen before costs a table lookup here, not new lists.
/// </summary>
public static class AuditFactsCache
{
    private static readonly ConditionalWeakTable<PolicyDecision, StatementAuditFacts> Facts = [];
    private static readonly ConcurrentDictionary<StatementKind, string> KindNames = new();
    private static readonly ConcurrentDictionary<RelationAccessKind, string> AccessNames = new();

    public static StatementAuditFacts For(PolicyDecision decision) => Facts.GetValue(decision, Build);

    private static StatementAuditFacts Build(PolicyDecision decision)
    {
        var kinds = new string[decision.Statements.Count];
        var relations = new List<AuditRelation>();
        for (var i = 0; i < kinds.Length; i++)
        {
            var statement = decision.Statements[i];
            kinds[i] = KindNames.GetOrAdd(statement.Kind, static kind => SnakeCase(kind.ToString()));
            foreach (var relation in statement.Relations)
            {
                relations.Add(new AuditRelation(relation.QualifiedName, AccessNames.GetOrAdd(relation.Access, static access => SnakeCase(access.ToString()).Replace(", ", ",", StringComparison.Ordinal))));
            }
        }

        return new StatementAuditFacts(kinds, relations, decision.Rule, decision.Allowed ? null : decision.AuditReason, decision.NormalizedQuery, decision.Fingerprint);
    }

    /// <summary><c>CopyFrom</c> → <c>copy_from</c>, the names policies use.</summary>
    private static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && char.IsLetter(name[i - 1]))
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}
