namespace ProxyCluster.Sql.Tests;

/// <summary>Text that tries to hide a statement or a table from a less careful reader than the real parser.</summary>
public sealed class AdversarialTextTests(AnalyzerFixture fixture) : IClassFixture<AnalyzerFixture>
{
    private readonly SqlAnalyzer _analyzer = fixture.Analyzer;

    [Theory]
    [InlineData("SELECT /* DELETE FROM users */ 1")]
    [InlineData("SELECT 1 -- ; DROP TABLE users")]
    [InlineData("SELECT 1 --\u00e9; DROP TABLE users")]
    [InlineData("SELECT /* outer /* inner */ DROP TABLE users; still a comment */ 1")]
    [InlineData("SELECT '; DROP TABLE users; --'")]
    [InlineData("SELECT 'it''s; DROP TABLE users'")]
    [InlineData("SELECT $$; DROP TABLE users; $$")]
    [InlineData("SELECT $x$ $$; DELETE FROM users; $$ $x$")]
    [InlineData("SELECT E'\\'; DROP TABLE users; --'")]
    [InlineData("SELECT E'\\\\'' ; DROP TABLE users; --'")]
    [InlineData("SELECT \"; DROP TABLE users; --\" FROM t")]
    [InlineData("SELECT U&'\\0027; DROP TABLE users; --'")]
    public void Analyze_HiddenStatement_StaysHidden(string sql)
    {
        var analysis = _analyzer.Analyze(sql);

        Assert.True(analysis.Succeeded, analysis.Error);
        var statement = Assert.Single(analysis.Statements);
        Assert.Equal(StatementKind.Select, statement.Kind);
        Assert.DoesNotContain(statement.Relations, r => r.Name == "users");
    }

    [Fact]
    public void Analyze_BackslashInStandardString_EndsTheStringLikeTheServer()
    {
        // standard_conforming_strings is on: '\' is a complete string, so the DROP is real.
        var analysis = _analyzer.Analyze("SELECT '\\'; DROP TABLE users; --'");

        Assert.True(analysis.Succeeded, analysis.Error);
        Assert.Equal([StatementKind.Select, StatementKind.Ddl], analysis.Statements.Select(s => s.Kind));
        Assert.Equal("users:Drop", analysis.Statements[1].Describe());
    }

    [Fact]
    public void Analyze_MultiStatement_ReportsEveryStatementWithItsText()
    {
        var analysis = _analyzer.Analyze("SELECT 1; DROP TABLE users");

        Assert.True(analysis.Succeeded, analysis.Error);
        Assert.Equal(2, analysis.Statements.Count);
        Assert.Equal("SELECT 1", analysis.Statements[0].Text);
        Assert.Equal(" DROP TABLE users", analysis.Statements[1].Text);
        Assert.Equal(StatementKind.Ddl, analysis.Statements[1].Kind);
        Assert.Equal("users:Drop", analysis.Statements[1].Describe());
    }

    [Fact]
    public void Analyze_MultiStatementWithNonAscii_SlicesTextByCharacters()
    {
        var analysis = _analyzer.Analyze("SELECT 'é€😀' FROM t; DELETE FROM \"Ü\"");

        Assert.Equal("SELECT 'é€😀' FROM t", analysis.Statements[0].Text);
        Assert.Equal(" DELETE FROM \"Ü\"", analysis.Statements[1].Text);
        Assert.Equal("Ü:Delete", analysis.Statements[1].Describe());
    }

    [Fact]
    public void Analyze_ManyStatements_EachIsAnalysed()
    {
        var analysis = _analyzer.Analyze("BEGIN; SET LOCAL ROLE admin; TRUNCATE audit; COMMIT;");

        Assert.Equal(
            [StatementKind.TransactionControl, StatementKind.SetRole, StatementKind.Truncate, StatementKind.TransactionControl],
            analysis.Statements.Select(s => s.Kind));
    }

    [Theory]
    [InlineData("SELECT * FROM U&\"\\0075sers\"", "users:Read")]
    [InlineData("SELECT * FROM U&\"!0075sers\" UESCAPE '!'", "users:Read")]
    [InlineData("SELECT * FROM \"users\"", "users:Read")]
    [InlineData("SELECT * FROM \"USERS\"", "USERS:Read")]
    [InlineData("SELECT * FROM \"us\"\"ers\"", "us\"ers:Read")]
    [InlineData("SELECT * FROM pUbLiC.UsErS", "public.users:Read")]
    [InlineData("SELECT * FROM/**/users", "users:Read")]
    [InlineData("SELECT*FROM\tusers\n", "users:Read")]
    [InlineData("select * from users where name = $1", "users:Read")]
    [InlineData("SELECT * FROM users WHERE note = $tag$ FROM secrets $tag$", "users:Read")]
    public void Analyze_IdentifierTricks_ResolveLikeThePostgresParser(string sql, string expected)
    {
        Assert.Equal(expected, _analyzer.Single(sql).Describe());
    }

    [Fact]
    public void Analyze_DataModifyingCteInsideSelect_IsNotJustASelect()
    {
        var statement = _analyzer.Single("WITH gone AS (DELETE FROM users RETURNING id) SELECT count(*) FROM gone");

        Assert.Equal(StatementKind.Select, statement.Kind);
        Assert.True(statement.Relations.Single(r => r.Name == "users").Access.HasFlag(RelationAccessKind.Delete));
    }

    [Fact]
    public void Analyze_DoBlock_IsDoWhateverItContains()
    {
        var statement = _analyzer.Single("DO $$ BEGIN EXECUTE 'DROP TABLE users'; END $$");

        Assert.Equal(StatementKind.Do, statement.Kind);
        Assert.Empty(statement.Relations);
    }
}
