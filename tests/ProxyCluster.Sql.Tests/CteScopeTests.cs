namespace ProxyCluster.Sql.Tests;

/// <summary>A WITH name hides a table of the same name only inside the WITH's own scope.</summary>
public sealed class CteScopeTests(AnalyzerFixture fixture) : IClassFixture<AnalyzerFixture>
{
    private readonly SqlAnalyzer _analyzer = fixture.Analyzer;

    [Theory]
    [InlineData("WITH users AS (SELECT 1) SELECT * FROM users", "")]
    [InlineData("WITH users AS (SELECT 1) SELECT * FROM a WHERE EXISTS (SELECT 1 FROM users)", "a:Read")]
    [InlineData("WITH users AS (SELECT 1) SELECT * FROM (SELECT * FROM users) x", "")]
    [InlineData("WITH a AS (SELECT 1), b AS (SELECT * FROM a) SELECT * FROM b", "")]
    [InlineData("WITH src AS (SELECT 1) INSERT INTO t SELECT * FROM src", "t:Insert")]
    [InlineData("WITH src AS (SELECT 1) UPDATE t SET a = 1 FROM src", "t:Update")]
    [InlineData("WITH src AS (SELECT 1) MERGE INTO t USING src ON true WHEN MATCHED THEN DELETE", "t:Delete")]
    [InlineData("WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r", "")]
    [InlineData("WITH RECURSIVE a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a", "")]
    [InlineData("WITH t AS (SELECT 1) SELECT * FROM t FOR UPDATE", "")]
    public void Analyze_ReferenceInsideScope_IsNotATable(string sql, string expected)
    {
        Assert.Equal(expected, _analyzer.Single(sql).Describe());
    }

    [Theory]
    [InlineData("WITH users AS (SELECT 1) SELECT * FROM public.users", "public.users:Read")]
    [InlineData("WITH \"Users\" AS (SELECT 1) SELECT * FROM users", "users:Read")]
    [InlineData("SELECT * FROM (WITH users AS (SELECT 1) SELECT * FROM users) x, users", "users:Read")]
    [InlineData("SELECT (WITH users AS (SELECT 1) SELECT 1 FROM users) FROM users", "users:Read")]
    [InlineData("WITH a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a", "b:Read")]
    [InlineData("WITH a AS (SELECT * FROM a) SELECT * FROM a", "a:Read")]
    [InlineData("WITH t AS (SELECT 1) DELETE FROM t", "t:Delete")]
    [InlineData("WITH t AS (SELECT 1) INSERT INTO t VALUES (1)", "t:Insert")]
    public void Analyze_ReferenceOutsideScope_IsATable(string sql, string expected)
    {
        Assert.Equal(expected, _analyzer.Single(sql).Describe());
    }

    [Fact]
    public void Analyze_CteInOneStatement_DoesNotShadowTheNext()
    {
        var analysis = _analyzer.Analyze("WITH users AS (SELECT 1) SELECT * FROM users; SELECT * FROM users");

        Assert.Equal(2, analysis.Statements.Count);
        Assert.Equal("", analysis.Statements[0].Describe());
        Assert.Equal("users:Read", analysis.Statements[1].Describe());
    }
}
