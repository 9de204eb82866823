namespace ProxyCluster.Sql.Tests;

public sealed class NormalizationTests(AnalyzerFixture fixture) : IClassFixture<AnalyzerFixture>
{
    private readonly SqlAnalyzer _analyzer = fixture.Analyzer;

    [Theory]
    [InlineData("SELECT * FROM users WHERE name = 'secret'", "SELECT * FROM users WHERE name = $1")]
    [InlineData("SELECT * FROM users WHERE id = 42 AND name = E'secret'", "SELECT * FROM users WHERE id = $1 AND name = $2")]
    [InlineData("INSERT INTO t VALUES ('secret', 3.14)", "INSERT INTO t VALUES ($1, $2)")]
    [InlineData("SELECT $$secret$$", "SELECT $1")]
    [InlineData("SET search_path = 'secret'", "SET search_path = $1")]
    [InlineData("ALTER ROLE app PASSWORD 'secret'", "ALTER ROLE app PASSWORD $1")]
    [InlineData("SELECT 1; SELECT 'secret'", "SELECT $1; SELECT $2")]
    public void Analyze_Query_NormalizesLiteralsAway(string sql, string expected)
    {
        var analysis = _analyzer.Analyze(sql);

        Assert.Equal(expected, analysis.NormalizedQuery);
        Assert.DoesNotContain("secret", analysis.NormalizedQuery, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_QueriesDifferingOnlyInLiterals_HaveTheSameFingerprint()
    {
        var first = _analyzer.Analyze("SELECT * FROM users WHERE id = 1 AND name = 'a'");
        var second = _analyzer.Analyze("select * from users where id = 2 and name = 'bbb'");
        var other = _analyzer.Analyze("SELECT * FROM orders WHERE id = 1 AND name = 'a'");

        Assert.Matches("^[0-9a-f]{16}$", first.Fingerprint);
        Assert.Equal(first.Fingerprint, second.Fingerprint);
        Assert.NotEqual(first.Fingerprint, other.Fingerprint);
    }
}
