namespace ProxyCluster.Policy.Tests;

[Collection(PolicyCollection.Name)]
public sealed class AdversarialTests(PolicyFixture fixture)
{
    public static TheoryData<string, string, bool, string, string> Cases => AdversarialCases.All();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_AdversarialQuery_DecidesAsExpected(string policy, string sql, bool allowed, string reason, string because)
    {
        var decision = fixture.Evaluate(policy, sql);

        Assert.True(
            decision.Allowed == allowed,
            $"{because}: expected {(allowed ? "allow" : "deny")}, got {(decision.Allowed ? "allow" : "deny")} ({decision.Rule}): {decision.Reason}");
        Assert.Contains(reason, decision.Reason, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(decision.Rule));
    }

    [Fact]
    public void Cases_AreAtLeastOneHundredAndFifty() => Assert.True(Cases.Count >= 150, $"only {Cases.Count} cases");

    [Fact]
    public void Evaluate_UnpairedSurrogate_DeniedAsInvalidEncoding()
    {
        // Not theory data: xunit's serialization would replace the lone surrogate before the test saw it.
        var decision = fixture.Evaluate("users-reader", "SELECT '\uD800' FROM users");

        Assert.False(decision.Allowed);
        Assert.Equal(Sql.SqlAnalysisErrorKind.InvalidEncoding, decision.AnalysisErrorKind);
        Assert.Contains("not valid Unicode", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_DeeplyNestedParentheses_DeniedByAnalysisBounds()
    {
        var sql = "SELECT " + new string('(', 5_000) + "1" + new string(')', 5_000) + " FROM users";

        var decision = fixture.Evaluate("users-reader", sql);

        Assert.False(decision.Allowed);
        Assert.Equal(Sql.SqlAnalysisErrorKind.TooDeeplyNested, decision.AnalysisErrorKind);
    }

    [Fact]
    public void Evaluate_LongOperatorChain_DeniedByAnalysisBounds()
    {
        var sql = "SELECT 1" + string.Concat(Enumerable.Repeat("+1", 20_000)) + " FROM users";

        var decision = fixture.Evaluate("unrestricted", sql);

        Assert.False(decision.Allowed);
        Assert.Equal(Sql.SqlAnalysisErrorKind.TooDeeplyNested, decision.AnalysisErrorKind);
    }

    [Fact]
    public void Evaluate_DeeplyNestedSubqueries_DeniedByAnalysisBounds()
    {
        var sql = string.Concat(Enumerable.Repeat("SELECT * FROM (", 2_000)) + "SELECT 1" + new string(')', 2_000);

        var decision = fixture.Evaluate("read-only", sql);

        Assert.False(decision.Allowed);
        Assert.NotNull(decision.AnalysisErrorKind);
    }

    [Fact]
    public void Evaluate_NestedJustInsideTheBounds_IsCheckedNormally()
    {
        var sql = "SELECT " + new string('(', 200) + "id" + new string(')', 200) + " FROM orders";

        var decision = fixture.Evaluate("users-reader", sql);

        Assert.False(decision.Allowed);
        Assert.Null(decision.AnalysisErrorKind);
        Assert.Contains("public.orders", decision.Reason, StringComparison.Ordinal);
    }
}
