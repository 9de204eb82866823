namespace ProxyCluster.Sql.Tests;

public sealed class FunctionReferenceTests(AnalyzerFixture fixture) : IClassFixture<AnalyzerFixture>
{
    private readonly SqlAnalyzer _analyzer = fixture.Analyzer;

    [Theory]
    [InlineData("SELECT pg_read_file('/etc/passwd')", "pg_read_file")]
    [InlineData("SELECT * FROM users WHERE id = nextval('s')", "nextval")]
    [InlineData("SELECT set_config('search_path', 'evil', false)", "set_config")]
    [InlineData("SELECT pg_catalog.set_config('search_path', 'evil', false)", "pg_catalog.set_config")]
    [InlineData("SELECT \"Weird\"(1), weird(2)", "Weird weird")]
    [InlineData("SELECT lower(upper(md5('x')))", "lower md5 upper")]
    [InlineData("SELECT 1 + 2 * 3", "")]
    [InlineData("SELECT * FROM dblink('host=evil', 'SELECT 1') AS t(a int)", "dblink")]
    [InlineData("SELECT * FROM ROWS FROM (f(1), g(2)) AS r", "f g")]
    [InlineData("SELECT * FROM a, LATERAL unnest(a.arr) u", "unnest")]
    [InlineData("SELECT * FROM a JOIN b ON check_it(a.x, b.y)", "check_it")]
    [InlineData("WITH x AS (SELECT pg_sleep(10)) SELECT * FROM x", "pg_sleep")]
    [InlineData("SELECT (SELECT lo_export(1, '/tmp/x'))", "lo_export")]
    [InlineData("SELECT 1 WHERE EXISTS (SELECT pg_terminate_backend(pid) FROM pg_stat_activity)", "pg_terminate_backend")]
    [InlineData("SELECT count(*) FILTER (WHERE g(x) > 0) OVER (ORDER BY h(y)) FROM t", "count g h")]
    [InlineData("SELECT string_agg(a, ',' ORDER BY k(a)) FROM t", "k string_agg")]
    [InlineData("SELECT * FROM t ORDER BY f(a) LIMIT g()", "f g")]
    [InlineData("SELECT CASE WHEN f() THEN g() ELSE h() END", "f g h")]
    [InlineData("SELECT ARRAY[f(), g()]", "f g")]
    [InlineData("SELECT f()::text COLLATE \"C\"", "f")]
    [InlineData("INSERT INTO t VALUES (lo_import('/etc/passwd'))", "lo_import")]
    [InlineData("INSERT INTO t VALUES (1) ON CONFLICT (a) DO UPDATE SET a = g(excluded.a) WHERE h(t.a)", "g h")]
    [InlineData("UPDATE t SET a = f(a) FROM g() AS s WHERE h(s.x) RETURNING k(a)", "f g h k")]
    [InlineData("DELETE FROM t WHERE f(id) RETURNING g(id)", "f g")]
    [InlineData("MERGE INTO t USING s ON f(t.id) WHEN MATCHED THEN UPDATE SET a = g(s.a)", "f g")]
    [InlineData("CREATE TABLE t (a int DEFAULT f(), b int CHECK (g(b)))", "f g")]
    [InlineData("ALTER TABLE t ALTER COLUMN a SET DEFAULT nextval('s')", "nextval")]
    [InlineData("CALL s.proc(1, f())", "f s.proc")]
    [InlineData("EXECUTE p(f(1))", "f")]
    [InlineData("EXPLAIN ANALYZE SELECT pg_sleep(1)", "pg_sleep")]
    [InlineData("PREPARE p AS SELECT current_setting('x')", "current_setting")]
    [InlineData("COPY (SELECT f()) TO STDOUT", "f")]
    [InlineData("SELECT f(g(h(k(1))))", "f g h k")]
    public void Analyze_Statement_ReportsEveryFunctionCalled(string sql, string expected)
    {
        Assert.Equal(expected, _analyzer.Single(sql).DescribeFunctions());
    }

    [Fact]
    public void Analyze_Call_IsAFunctionReferenceWithSchema()
    {
        var statement = _analyzer.Single("CALL app.rebuild()");

        Assert.Equal(StatementKind.Call, statement.Kind);
        Assert.Equal(new FunctionReference("app", "rebuild"), Assert.Single(statement.Functions));
    }
}
