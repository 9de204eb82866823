namespace ProxyCluster.Sql.Tests;

public sealed class RelationAccessTests(AnalyzerFixture fixture) : IClassFixture<AnalyzerFixture>
{
    private readonly SqlAnalyzer _analyzer = fixture.Analyzer;

    [Theory]
    // names, quoting, schemas
    [InlineData("SELECT * FROM users", "users:Read")]
    [InlineData("SELECT * FROM USERS", "users:Read")]
    [InlineData("SELECT * FROM \"Users\"", "Users:Read")]
    [InlineData("SELECT * FROM public.users", "public.users:Read")]
    [InlineData("SELECT * FROM \"public\".\"users\"", "public.users:Read")]
    [InlineData("SELECT * FROM \"public.users\"", "public.users:Read")]
    [InlineData("SELECT * FROM mydb.public.users", "public.users:Read")]
    [InlineData("SELECT * FROM ONLY users", "users:Read")]
    [InlineData("TABLE users", "users:Read")]
    [InlineData("SELECT * FROM users u, users v", "users:Read")]
    // joins and sub-queries everywhere
    [InlineData("SELECT * FROM a JOIN b ON a.id = b.id LEFT JOIN c USING (id) CROSS JOIN d", "a:Read b:Read c:Read d:Read")]
    [InlineData("SELECT * FROM (a JOIN (b JOIN c ON true) ON true)", "a:Read b:Read c:Read")]
    [InlineData("SELECT * FROM a JOIN b ON b.id IN (SELECT id FROM c)", "a:Read b:Read c:Read")]
    [InlineData("SELECT * FROM (SELECT * FROM (SELECT * FROM a) x) y", "a:Read")]
    [InlineData("SELECT 1 WHERE EXISTS (SELECT 1 FROM a) AND 1 IN (SELECT id FROM b)", "a:Read b:Read")]
    [InlineData("SELECT (SELECT max(id) FROM a), (SELECT 1 FROM b LIMIT 1)", "a:Read b:Read")]
    [InlineData("SELECT * FROM a WHERE x = ANY (ARRAY(SELECT id FROM b))", "a:Read b:Read")]
    [InlineData("SELECT * FROM a ORDER BY (SELECT 1 FROM b LIMIT 1) LIMIT (SELECT 1 FROM c)", "a:Read b:Read c:Read")]
    [InlineData("SELECT a.x FROM a GROUP BY a.x HAVING count(*) > (SELECT count(*) FROM b)", "a:Read b:Read")]
    [InlineData("SELECT * FROM a, LATERAL (SELECT * FROM b WHERE b.x = a.x) l", "a:Read b:Read")]
    [InlineData("SELECT * FROM a CROSS JOIN LATERAL (SELECT * FROM b) l", "a:Read b:Read")]
    [InlineData("SELECT id FROM a UNION SELECT id FROM b INTERSECT SELECT id FROM c EXCEPT SELECT id FROM d", "a:Read b:Read c:Read d:Read")]
    [InlineData("(SELECT 1 FROM a) UNION ALL (SELECT 1 FROM b ORDER BY 1)", "a:Read b:Read")]
    [InlineData("VALUES ((SELECT 1 FROM a))", "a:Read")]
    [InlineData("SELECT CASE WHEN x THEN (SELECT 1 FROM a) ELSE (SELECT 2 FROM b) END FROM c", "a:Read b:Read c:Read")]
    [InlineData("SELECT * FROM a TABLESAMPLE SYSTEM (10)", "a:Read")]
    [InlineData("SELECT count(*) OVER (PARTITION BY (SELECT 1 FROM b)) FROM a", "a:Read b:Read")]
    [InlineData("SELECT * FROM generate_series(1, 3)", "")]
    // WITH
    [InlineData("WITH x AS (SELECT * FROM a) SELECT * FROM x", "a:Read")]
    [InlineData("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x", "t:Read|Delete")]
    [InlineData("WITH x AS (DELETE FROM t) SELECT 1", "t:Delete")]
    [InlineData("WITH x AS (UPDATE t SET a = 1 RETURNING id) SELECT * FROM x JOIN u USING (id)", "t:Read|Update u:Read")]
    [InlineData("WITH x AS (INSERT INTO t VALUES (1)) SELECT 1", "t:Insert")]
    [InlineData("WITH moved AS (DELETE FROM a RETURNING *) INSERT INTO b SELECT * FROM moved", "a:Read|Delete b:Insert")]
    [InlineData("SELECT * FROM (WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x) s", "t:Read|Delete")]
    // INSERT
    [InlineData("INSERT INTO t (a) VALUES (1)", "t:Insert")]
    [InlineData("INSERT INTO public.t AS alias (a) VALUES (1)", "public.t:Insert")]
    [InlineData("INSERT INTO t SELECT * FROM s", "s:Read t:Insert")]
    [InlineData("INSERT INTO t VALUES ((SELECT max(a) FROM s))", "s:Read t:Insert")]
    [InlineData("INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = excluded.a", "t:Insert|Update")]
    [InlineData("INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = (SELECT 1 FROM s)", "s:Read t:Insert|Update")]
    [InlineData("INSERT INTO t (a) VALUES (1) ON CONFLICT DO NOTHING", "t:Insert")]
    [InlineData("INSERT INTO t VALUES (1) RETURNING id", "t:Read|Insert")]
    [InlineData("INSERT INTO t DEFAULT VALUES", "t:Insert")]
    // UPDATE / DELETE
    [InlineData("UPDATE t SET a = 1 WHERE id = 2", "t:Update")]
    [InlineData("UPDATE t SET a = s.a FROM s WHERE t.id = s.id", "s:Read t:Update")]
    [InlineData("UPDATE t SET a = (SELECT max(a) FROM s)", "s:Read t:Update")]
    [InlineData("UPDATE t SET a = 1 WHERE id IN (SELECT id FROM s)", "s:Read t:Update")]
    [InlineData("UPDATE t SET a = 1 RETURNING *", "t:Read|Update")]
    [InlineData("DELETE FROM t WHERE id = 1", "t:Delete")]
    [InlineData("DELETE FROM t USING s WHERE t.id = s.id", "s:Read t:Delete")]
    [InlineData("DELETE FROM t RETURNING (SELECT name FROM u WHERE u.id = t.uid)", "t:Read|Delete u:Read")]
    [InlineData("DELETE FROM ONLY public.t", "public.t:Delete")]
    // MERGE
    [InlineData("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a WHEN NOT MATCHED THEN INSERT VALUES (s.id)", "s:Read t:Insert|Update")]
    [InlineData("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", "s:Read t:Delete")]
    [InlineData("MERGE INTO t USING (SELECT * FROM s JOIN u USING (id)) src ON t.id = src.id WHEN MATCHED THEN DO NOTHING", "s:Read t:Read u:Read")]
    // SELECT INTO / CREATE TABLE AS / COPY
    [InlineData("SELECT * INTO newtable FROM s", "newtable:Create s:Read")]
    [InlineData("SELECT * INTO TEMP newtable FROM s", "pg_temp.newtable:Create s:Read")]
    [InlineData("CREATE TABLE n AS SELECT * FROM s JOIN u USING (id)", "n:Create s:Read u:Read")]
    [InlineData("CREATE MATERIALIZED VIEW mv AS SELECT * FROM s", "mv:Create s:Read")]
    [InlineData("CREATE VIEW v AS SELECT * FROM s", "s:Read v:Create")]
    [InlineData("COPY t FROM STDIN", "t:Insert")]
    [InlineData("COPY t (a, b) FROM STDIN WHERE a > 0", "t:Insert")]
    [InlineData("COPY t TO STDOUT", "t:Read")]
    [InlineData("COPY (SELECT * FROM s JOIN u USING (id)) TO STDOUT", "s:Read u:Read")]
    [InlineData("COPY (DELETE FROM s RETURNING *) TO STDOUT", "s:Read|Delete")]
    [InlineData("COPY t FROM PROGRAM 'id'", "t:Insert")]
    // TRUNCATE, LOCK, row locks
    [InlineData("TRUNCATE a, public.b", "a:Truncate public.b:Truncate")]
    [InlineData("LOCK TABLE a IN ACCESS EXCLUSIVE MODE", "a:Lock")]
    [InlineData("SELECT * FROM a FOR UPDATE", "a:Read|Lock")]
    [InlineData("SELECT * FROM a FOR NO KEY UPDATE SKIP LOCKED", "a:Read|Lock")]
    [InlineData("SELECT * FROM a FOR SHARE", "a:Read|Lock")]
    [InlineData("SELECT * FROM a FOR KEY SHARE NOWAIT", "a:Read|Lock")]
    [InlineData("SELECT * FROM a JOIN b ON true FOR UPDATE OF a", "a:Read|Lock b:Read|Lock")]
    [InlineData("SELECT * FROM a WHERE id IN (SELECT id FROM b) FOR UPDATE", "a:Read|Lock b:Read")]
    [InlineData("SELECT * FROM (SELECT * FROM a) s FOR UPDATE", "a:Read|Lock")]
    [InlineData("SELECT * FROM a WHERE id IN (SELECT id FROM b FOR UPDATE)", "a:Read b:Read|Lock")]
    // EXPLAIN / PREPARE / DECLARE report the inner statement's relations
    [InlineData("EXPLAIN ANALYZE DELETE FROM users", "users:Delete")]
    [InlineData("PREPARE p AS UPDATE t SET a = 1", "t:Update")]
    [InlineData("DECLARE c CURSOR FOR SELECT * FROM t FOR UPDATE", "t:Read|Lock")]
    // DDL and maintenance
    [InlineData("CREATE TABLE t (a int REFERENCES p (id), LIKE q)", "p:References q:Read t:Create")]
    [InlineData("CREATE TEMP TABLE users (id int)", "pg_temp.users:Create")]
    [InlineData("CREATE TABLE c () INHERITS (parent)", "c:Create parent:Read")]
    [InlineData("DROP TABLE a, s.b", "a:Drop s.b:Drop")]
    [InlineData("DROP VIEW v", "v:Drop")]
    [InlineData("DROP FUNCTION f()", "")]
    [InlineData("ALTER TABLE t ADD COLUMN x int", "t:Alter")]
    [InlineData("ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES p (id)", "p:References t:Alter")]
    [InlineData("CREATE INDEX i ON t (a)", "t:Alter")]
    [InlineData("GRANT SELECT ON t TO r", "t:Alter")]
    [InlineData("CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()", "t:Alter")]
    [InlineData("CREATE RULE r AS ON INSERT TO t DO ALSO DELETE FROM u", "t:Alter u:Delete")]
    [InlineData("CREATE RULE r AS ON SELECT TO t DO INSTEAD SELECT * FROM u", "t:Alter u:Read")]
    [InlineData("CREATE FUNCTION f() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM secrets; END", "secrets:Read")]
    [InlineData("CREATE POLICY p ON t USING (owner = (SELECT id FROM u))", "t:Alter u:Read")]
    [InlineData("VACUUM (VERBOSE) a, public.b", "a:Maintain public.b:Maintain")]
    [InlineData("ANALYZE a", "a:Maintain")]
    [InlineData("REFRESH MATERIALIZED VIEW mv", "mv:Maintain")]
    [InlineData("CREATE TEMP SEQUENCE s", "pg_temp.s:Create")]
    public void Analyze_Statement_ReportsRelationsWithAccess(string sql, string expected)
    {
        Assert.Equal(expected, _analyzer.Single(sql).Describe());
    }

    [Theory]
    [InlineData("SELECT * INTO newtable FROM s", null, "newtable")]
    [InlineData("SELECT * INTO TEMPORARY newtable FROM s", "pg_temp", "newtable")]
    [InlineData("CREATE TABLE app.n AS SELECT 1", "app", "n")]
    [InlineData("CREATE TABLE n (a int)", null, "n")]
    [InlineData("CREATE VIEW v AS SELECT 1", null, "v")]
    [InlineData("CREATE SEQUENCE app.s", "app", "s")]
    [InlineData("CREATE TEMP SEQUENCE s", "pg_temp", "s")]
    public void Analyze_CreatingStatement_ReportsCreatedTable(string sql, string? schema, string name)
    {
        Assert.Equal(new QualifiedName(schema, name), _analyzer.Single(sql).CreatedTable);
    }

    [Fact]
    public void Analyze_PlainSelect_HasNoCreatedTable()
    {
        Assert.Null(_analyzer.Single("SELECT * FROM s").CreatedTable);
    }

    [Fact]
    public void Analyze_UnqualifiedName_HasNullSchema()
    {
        var relation = Assert.Single(_analyzer.Single("SELECT * FROM users").Relations);

        Assert.Equal(new RelationAccess(null, "users", RelationAccessKind.Read), relation);
    }

    [Fact]
    public void Analyze_SameTableTwice_IsOneEntryWithCombinedAccess()
    {
        var statement = _analyzer.Single("UPDATE t SET a = 1 WHERE id IN (SELECT id FROM t)");

        var relation = Assert.Single(statement.Relations);
        Assert.Equal(RelationAccessKind.Read | RelationAccessKind.Update, relation.Access);
    }

    [Fact]
    public void Analyze_QuotedAndUnquotedNames_AreDifferentRelations()
    {
        Assert.Equal("Users:Read users:Read", _analyzer.Single("SELECT * FROM users, \"Users\"").Describe());
    }
}
