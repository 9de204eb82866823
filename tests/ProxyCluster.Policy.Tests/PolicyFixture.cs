using ProxyCluster.Sql;

namespace ProxyCluster.Policy.Tests;

/// <summary>One real analyzer (libpg_query) and the test policies, shared by every test class.</summary>
public sealed class PolicyFixture : IDisposable
{
    public PolicyFixture()
    {
        Catalog = PolicyCatalog.BuiltIn.With(TestPolicies.All.Select(text => SqlPolicy.Compile(PolicyDocument.Parse(text))));
    }

    public SqlAnalyzer Analyzer { get; } = new();

    public PolicyCatalog Catalog { get; }

    public SqlPolicy Policy(string name) =>
        Catalog.TryGet(name, out var policy) ? policy : throw new ArgumentException($"no test policy {name}", nameof(name));

    public PolicyDecision Evaluate(string policy, string sql) => PolicyEvaluator.Evaluate(Policy(policy), Analyzer.Analyze(sql));

    public void Dispose() => Analyzer.Dispose();
}

[CollectionDefinition(Name)]
public sealed class PolicyCollection : ICollectionFixture<PolicyFixture>
{
    public const string Name = "policy";
}
