using ProxyCluster.Sql;

namespace ProxyCluster.Policy.Tests;

[Collection(PolicyCollection.Name)]
public sealed class DecisionTests(PolicyFixture fixture)
{
    [Fact]
    public void Evaluate_SameAnalysisTwice_ReturnsTheCachedDecision()
    {
        var analysis = fixture.Analyzer.Analyze("SELECT * FROM users WHERE id = 42");
        var policy = fixture.Policy("users-reader");

        var first = PolicyEvaluator.Evaluate(policy, analysis);
        var second = PolicyEvaluator.Evaluate(policy, analysis);

        Assert.Same(first, second);
        Assert.NotSame(first, PolicyEvaluator.Evaluate(fixture.Policy("orders-writer"), analysis));
    }

    [Fact]
    public void Evaluate_CachedDecision_AllocatesNothing()
    {
        var analysis = fixture.Analyzer.Analyze("SELECT abalance FROM pgbench_accounts WHERE aid = $1");
        var policy = SqlPolicy.ReadOnly;
        PolicyEvaluator.Evaluate(policy, analysis);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            PolicyEvaluator.Evaluate(policy, analysis);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Evaluate_AllowedQuery_CarriesTheAuditDetailsWithoutLiterals()
    {
        var decision = fixture.Evaluate("users-reader", "SELECT name FROM users WHERE email = 'alice@example.com' AND id = 42");

        Assert.True(decision.Allowed);
        Assert.Equal("read-users", decision.Rule);
        Assert.Equal("users-reader", decision.PolicyName);
        Assert.Equal("SELECT name FROM users WHERE email = $1 AND id = $2", decision.NormalizedQuery);
        Assert.NotNull(decision.Fingerprint);
        var statement = Assert.Single(decision.Statements);
        Assert.Equal(StatementKind.Select, statement.Kind);
        Assert.True(statement.Allowed);
        Assert.Equal(new ResolvedRelation("public", "users", RelationAccessKind.Read, Qualified: false), Assert.Single(statement.Relations));
        foreach (var text in new[] { decision.Reason, decision.AuditReason, statement.Reason, decision.ToString() })
        {
            Assert.DoesNotContain("alice", text, StringComparison.Ordinal);
            Assert.DoesNotContain("42", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Evaluate_DeniedQuery_NamesPolicyRuleAndRelation()
    {
        var decision = fixture.Evaluate("orders-writer", "UPDATE users SET password = 'hunter2'");

        Assert.False(decision.Allowed);
        Assert.Equal(PolicyDecision.DefaultRule, decision.Rule);
        Assert.Equal("policy \"orders-writer\" does not allow UPDATE on table public.users", decision.Reason);
        Assert.DoesNotContain("hunter2", decision.AuditReason, StringComparison.Ordinal);
        Assert.Equal("UPDATE users SET password = $1", decision.NormalizedQuery);
    }

    [Fact]
    public void Evaluate_AnalysisError_KeepsQueryTextOutOfTheAuditReason()
    {
        var decision = fixture.Evaluate("users-reader", "SELECT * FROM users WHERE password = 'hunter2");

        Assert.False(decision.Allowed);
        Assert.Equal(SqlAnalysisErrorKind.SyntaxError, decision.AnalysisErrorKind);
        Assert.Contains("unterminated quoted string", decision.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", decision.AuditReason, StringComparison.Ordinal);
        Assert.Contains("SyntaxError", decision.AuditReason, StringComparison.Ordinal);
        Assert.Null(decision.NormalizedQuery);
        Assert.Empty(decision.Statements);
    }

    [Fact]
    public void Evaluate_MultiStatement_ReportsEveryStatementAndTheFirstDenial()
    {
        var decision = fixture.Evaluate("worker", "BEGIN; SELECT * FROM jobs FOR UPDATE SKIP LOCKED; DELETE FROM jobs; NOTIFY done; COMMIT");

        Assert.False(decision.Allowed);
        Assert.Equal(
            [StatementKind.TransactionControl, StatementKind.Select, StatementKind.Delete, StatementKind.Notify, StatementKind.TransactionControl],
            decision.Statements.Select(s => s.Kind));
        Assert.Equal([true, true, false, true, true], decision.Statements.Select(s => s.Allowed));
        Assert.StartsWith("statement 3 of 5: ", decision.Reason, StringComparison.Ordinal);
        Assert.Equal("claim-jobs", decision.Statements[1].Rule);
        Assert.Equal(RelationAccessKind.Read | RelationAccessKind.Lock, decision.Statements[1].Relations[0].Access);
        Assert.Equal("signals", decision.Statements[3].Rule);
    }

    [Fact]
    public void Evaluate_AllowedMultiStatement_ListsTheRulesThatAllowedIt()
    {
        var decision = fixture.Evaluate("worker", "SELECT * FROM jobs; LISTEN jobs; SELECT 1");

        Assert.True(decision.Allowed);
        Assert.Equal("claim-jobs, signals", decision.Rule);
        Assert.Equal("policy \"worker\" allows it (rules: claim-jobs, signals)", decision.Reason);
    }

    [Fact]
    public void Evaluate_DefaultsOnly_UsesTheDefaultRule()
    {
        var decision = fixture.Evaluate("users-reader", "BEGIN; SET application_name = 'x'; SELECT now(); COMMIT");

        Assert.True(decision.Allowed);
        Assert.Equal(PolicyDecision.DefaultRule, decision.Rule);
    }

    [Fact]
    public void Evaluate_Explain_ReportsTheInnerKind()
    {
        var decision = fixture.Evaluate("users-reader", "EXPLAIN ANALYZE SELECT * FROM users");

        var statement = Assert.Single(decision.Statements);
        Assert.Equal(StatementKind.Explain, statement.Kind);
        Assert.Equal(StatementKind.Select, statement.InnerKind);
        Assert.Equal("public.users", Assert.Single(statement.Relations).QualifiedName);
    }

    [Fact]
    public void Evaluate_UnqualifiedNames_ResolveToTheCatalogOrTheFirstSearchPathSchema()
    {
        var decision = fixture.Evaluate("two-schemas", "SELECT * FROM events, pg_class, app.users");

        Assert.Equal(
            ["app.events (Read)", "pg_catalog.pg_class (Read)", "app.users (Read)"],
            Assert.Single(decision.Statements).Relations.Select(r => r.ToString()));
        Assert.Equal([false, false, true], decision.Statements[0].Relations.Select(r => r.Qualified));
    }

    [Fact]
    public void Evaluate_UnpinnedPolicy_LeavesUnqualifiedSchemasUnknown()
    {
        var decision = PolicyEvaluator.Evaluate(SqlPolicy.ReadOnly, fixture.Analyzer.Analyze("SELECT * FROM users"));

        Assert.True(decision.Allowed);
        Assert.Null(Assert.Single(decision.Statements[0].Relations).Schema);
        Assert.Equal("read-everything", decision.Rule);
    }

    [Fact]
    public void Deny_BuildsADecisionForTheCaller()
    {
        var decision = PolicyDecision.Deny("ghost", "token names policy \"ghost\", which does not exist");

        Assert.False(decision.Allowed);
        Assert.Equal(PolicyDecision.DefaultRule, decision.Rule);
        Assert.Equal(decision.Reason, decision.AuditReason);
        Assert.Empty(decision.Statements);
    }

    [Fact]
    public void SearchPath_IsExposedForPinning()
    {
        var policy = fixture.Policy("two-schemas");

        Assert.Equal(["app", "public"], policy.SearchPath);
        Assert.Equal("app, public", policy.SearchPathSetting);
        Assert.Null(SqlPolicy.Unrestricted.SearchPath);
        Assert.Equal(["public"], fixture.Policy("users-reader").SearchPath);
    }
}
