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
    // libpg_query leaves these literals (pg_stat_statements keeps utility statements' text); the proxy does not.
    [InlineData("NOTIFY chan, 'secret'", "NOTIFY chan, $1")]
    [InlineData("COPY users FROM '/tmp/secret'", "COPY users FROM $1")]
    [InlineData("PREPARE p AS SELECT 'secret'", "PREPARE p AS SELECT $1")]
    [InlineData("EXECUTE p('secret', 42)", "EXECUTE p($1, $2)")]
    [InlineData("LOAD 'secret'", "LOAD $1")]
    [InlineData("COMMENT ON TABLE users IS 'secret'", "COMMENT ON TABLE users IS $1")]
    [InlineData("CREATE VIEW v AS SELECT 'secret'", "CREATE VIEW v AS SELECT $1")]
    [InlineData("CREATE TABLE x (a text DEFAULT 'secret')", "CREATE TABLE x (a text DEFAULT $1)")]
    [InlineData("ALTER SYSTEM SET work_mem = 'secret'", "ALTER SYSTEM SET work_mem = $1")]
    [InlineData("SECURITY LABEL ON TABLE users IS E'secret'", "SECURITY LABEL ON TABLE users IS $1")]
    [InlineData("SELECT 1 /* secret */ -- secret\n, 2", "SELECT $1 , $2")]
    [InlineData("SELECT x'5ec2e7', b'101', 1.5e3 FROM t WHERE a = $1", "SELECT $2, $3, $4 FROM t WHERE a = $1")]
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
