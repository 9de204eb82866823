using System.Text;
using ProxyCluster.Sql;
using ProxyCluster.Tests.Fuzzing;

namespace ProxyCluster.Policy.Tests;

/// <summary>
/// Fail closed, by fuzzing: the adversarial queries are mutated — spliced together, cut, and given fragments that
/// write, read other tables, call functions with side effects, open comments or quotes — and every result goes
/// through the real parser and the policy. Whatever a policy allows must be within its rules when checked against
/// the parser's own account of the query; anything the parser rejects is denied. Seeded and bounded; set
/// <c>PROXYCLUSTER_FUZZ_SEED</c> / <c>PROXYCLUSTER_FUZZ_ITERATIONS</c> for other or longer runs.
/// </summary>
[Collection(PolicyCollection.Name)]
public sealed class PolicyFuzzTests(PolicyFixture fixture)
{
    private static readonly string[] Fragments =
    [
        ";", " ; DELETE FROM users", " UNION SELECT * FROM orders", "--", "/*", "*/", "'", "''", "\"", "$$", "$q$", "(", ")",
        " WITH w AS (DELETE FROM users RETURNING *) ", " WITH w AS (INSERT INTO orders VALUES (1) RETURNING *) ", " RETURNING *",
        " INTO t ", "E'\\''", "U&\"", " orders", " users", " public.", " pg_catalog.", " pg_temp.", " app.secrets",
        " pg_read_file('/etc/passwd')", " set_config('search_path', 'x', false)", " COPY users TO PROGRAM 'x'", " FOR UPDATE",
        " LOCK TABLE users", " TABLE orders", " EXPLAIN ANALYZE ", " CALL p()", " DO $$BEGIN END$$", "\\", "\n", " SELECT ",
        " INSERT INTO orders VALUES (1) ", "::regclass", " nextval('s')", " ONLY ", " LATERAL ", ",", " * ", " FROM ", " WHERE ",
        " UPDATE users SET name = 'x'", " TRUNCATE users", " PREPARE p AS ", " EXECUTE p", " CREATE TEMP TABLE t AS ",
        " dblink_exec('x')", " lo_export(1, '/tmp/x')", " pg_terminate_backend(1)", " SET ROLE postgres", " RESET ALL",
    ];

    private static readonly string[] Corpus = AdversarialCases.All().Select(row => (string)row[1]).Distinct().ToArray();

    private static readonly string[] SideEffectFunctions =
    [
        "pg_read_file", "set_config", "dblink_exec", "lo_export", "lo_import", "pg_terminate_backend", "nextval", "setval",
    ];

    [Fact]
    public void UsersReader_AllowsOnlyReadsOfUsers_WhateverTheMutation()
    {
        var allowed = Fuzz("users-reader", (analysis, sql) =>
        {
            foreach (var relation in Relations(analysis))
            {
                Assert.True(
                    IsCatalogRead(relation) || (relation.Name == "users" && relation.Schema is null or "public" && relation.Access == RelationAccessKind.Read),
                    $"users-reader allowed {relation} in: {sql}");
            }
        });

        Assert.True(allowed > 0, "no mutation was allowed at all: the run checked nothing but denials");
    }

    [Fact]
    public void OrdersWriter_AllowsOnlyInsertsIntoOrders_WhateverTheMutation()
    {
        var allowed = Fuzz("orders-writer", (analysis, sql) =>
        {
            foreach (var relation in Relations(analysis))
            {
                Assert.True(
                    IsCatalogRead(relation) || (relation.Name == "orders" && relation.Schema is null or "public" && relation.Access == RelationAccessKind.Insert),
                    $"orders-writer allowed {relation} in: {sql}");
            }
        });

        Assert.True(allowed > 0, "no mutation was allowed at all: the run checked nothing but denials");
    }

    /// <summary>Mutates and evaluates; checks every allowed query with <paramref name="check"/>; returns how many were allowed.</summary>
    private int Fuzz(string policyName, Action<SqlAnalysis, string> check)
    {
        var policy = fixture.Policy(policyName);
        var allowed = 0;
        FuzzRun.Times(5_000, (random, iteration) =>
        {
            var sql = Mutate(random);
            var analysis = fixture.Analyzer.Analyze(sql);
            var decision = PolicyEvaluator.Evaluate(policy, analysis);
            if (!analysis.Succeeded)
            {
                Assert.False(decision.Allowed, $"iteration {iteration} (seed {FuzzRun.Seed}): not analysable, yet allowed: {sql}");
                return;
            }

            if (!decision.Allowed)
            {
                return;
            }

            allowed++;
            check(analysis, sql);
            foreach (var function in Functions(analysis))
            {
                Assert.DoesNotContain(function.Name, SideEffectFunctions);
            }
        });

        return allowed;
    }

    private static string Mutate(Random random)
    {
        var sql = new StringBuilder(Corpus[random.Next(Corpus.Length)]);
        for (var round = 0; round < 1 + random.Next(3); round++)
        {
            var at = random.Next(sql.Length + 1);
            switch (random.Next(5))
            {
                case 0:
                    sql.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 1 when at < sql.Length:
                    sql.Remove(at, Math.Min(1 + random.Next(12), sql.Length - at));
                    break;
                case 2 when at < sql.Length:
                    var span = sql.ToString(at, Math.Min(1 + random.Next(20), sql.Length - at));
                    sql.Insert(at, span);
                    break;
                case 3:
                    // Splice: this query up to here, then another from a random point.
                    var other = Corpus[random.Next(Corpus.Length)];
                    var from = random.Next(other.Length);
                    sql.Length = at;
                    sql.Append(other, from, other.Length - from);
                    break;
                default:
                    sql.Append(Fragments[random.Next(Fragments.Length)]);
                    break;
            }
        }

        return sql.ToString();
    }

    /// <summary>
    /// Every policy but <c>no-catalog</c> lets drivers read the system catalogs. An unqualified <c>pg_…</c> name is
    /// the catalog's when the catalog has it (pg_catalog is searched first); when it may not be, the policy must also
    /// allow it in the route's schemas, which these policies do not, so accepting it here loses nothing.
    /// </summary>
    private static bool IsCatalogRead(RelationAccess relation) =>
        relation.Access == RelationAccessKind.Read
        && (relation.Schema is "pg_catalog" or "information_schema" || (relation.Schema is null && relation.Name.StartsWith("pg_", StringComparison.Ordinal)));

    private static IEnumerable<RelationAccess> Relations(SqlAnalysis analysis) => Statements(analysis).SelectMany(s => s.Relations);

    private static IEnumerable<FunctionReference> Functions(SqlAnalysis analysis) => Statements(analysis).SelectMany(s => s.Functions);

    private static IEnumerable<StatementAnalysis> Statements(SqlAnalysis analysis)
    {
        foreach (var statement in analysis.Statements)
        {
            for (var current = statement; current is not null; current = current.Inner)
            {
                yield return current;
            }
        }
    }
}
