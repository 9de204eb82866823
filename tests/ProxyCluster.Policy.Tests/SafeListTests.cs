using System.Text.RegularExpressions;
using ProxyCluster.Sql;

namespace ProxyCluster.Policy.Tests;

[Collection(PolicyCollection.Name)]
public sealed partial class SafeListTests(PolicyFixture fixture)
{
    public static TheoryData<string> Dangerous =>
    [
        "set_config", "setseed", "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_ls_logdir", "pg_ls_waldir",
        "pg_stat_file", "lo_import", "lo_export", "lo_create", "lo_unlink", "lo_put", "lo_get", "lo_from_bytea", "loread",
        "lowrite", "dblink", "dblink_exec", "dblink_connect", "pg_terminate_backend", "pg_cancel_backend",
        "pg_reload_conf", "pg_rotate_logfile", "pg_sleep", "pg_sleep_for", "pg_sleep_until", "nextval", "setval",
        "pg_advisory_lock", "pg_advisory_xact_lock", "pg_try_advisory_lock", "pg_advisory_unlock_all", "query_to_xml",
        "query_to_xmlschema", "cursor_to_xml", "table_to_xml", "schema_to_xml", "database_to_xml", "ts_stat",
        "ts_rewrite", "txid_current", "pg_current_xact_id", "pg_notify", "pg_switch_wal", "pg_create_restore_point",
        "pg_create_logical_replication_slot", "pg_drop_replication_slot", "pg_logical_emit_message", "pg_stat_reset",
        "pg_promote", "pg_file_write", "xpath", "pg_export_snapshot",
    ];

    [Theory]
    [MemberData(nameof(Dangerous))]
    public void Dangerous_IsNotOnTheSafeList(string name)
    {
        Assert.False(SafeFunctions.IsSafe(null, name));
        Assert.False(SafeFunctions.IsSafe("pg_catalog", name));
    }

    [Theory]
    [MemberData(nameof(Dangerous))]
    public void Dangerous_IsDeniedByTheReadOnlyPolicy(string name)
    {
        var decision = PolicyEvaluator.Evaluate(SqlPolicy.ReadOnly, fixture.Analyzer.Analyze($"SELECT {name}()"));

        Assert.False(decision.Allowed);
        Assert.Contains($"function {name}", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SafeList_HasNoNameTheUnsafeListExplains()
    {
        Assert.DoesNotContain(SafeFunctions.Names, name => UnsafeFunctions.ReasonFor(name) is not null);
    }

    [Fact]
    public void SafeList_NamesAreLowerCaseIdentifiers()
    {
        Assert.All(SafeFunctions.Names, name => Assert.Matches(Identifier(), name));
    }

    [Theory]
    [InlineData("count")]
    [InlineData("sum")]
    [InlineData("avg")]
    [InlineData("lower")]
    [InlineData("now")]
    [InlineData("coalesce")]
    [InlineData("json_agg")]
    [InlineData("jsonb_build_object")]
    [InlineData("date_trunc")]
    [InlineData("extract")]
    [InlineData("to_char")]
    [InlineData("array_agg")]
    [InlineData("string_agg")]
    [InlineData("generate_series")]
    [InlineData("unnest")]
    [InlineData("row_number")]
    [InlineData("md5")]
    [InlineData("gen_random_uuid")]
    [InlineData("current_setting")]
    [InlineData("format")]
    public void SafeList_HasTheEverydayFunctions(string name) => Assert.Contains(name, SafeFunctions.Names);

    [Fact]
    public void IsSafe_PgCatalogQualifiedEqualsUnqualified_OtherSchemasDoNot()
    {
        Assert.True(SafeFunctions.IsSafe(new FunctionReference(null, "lower")));
        Assert.True(SafeFunctions.IsSafe(new FunctionReference("pg_catalog", "lower")));
        Assert.False(SafeFunctions.IsSafe(new FunctionReference("public", "lower")));
        Assert.False(SafeFunctions.IsSafe(new FunctionReference(null, "LOWER")));
    }

    [Fact]
    public void Analyzer_ReportsSqlSyntaxFunctionsUnderNamesOnTheSafeList()
    {
        var statement = Assert.Single(fixture.Analyzer.Analyze(
            "SELECT extract(year FROM now()), x AT TIME ZONE 'UTC', 'a' SIMILAR TO 'b', 'a' LIKE 'b' ESCAPE 'c', " +
            "trim(both 'x' FROM y), substring(a FROM 1 FOR 2), position('a' IN b), overlay(a PLACING 'b' FROM 1), " +
            "collation for ('a'), 'a' IS NORMALIZED, normalize('a'), (1, 2) OVERLAPS (3, 4) FROM t").Statements);

        Assert.NotEmpty(statement.Functions);
        Assert.All(statement.Functions, function => Assert.True(SafeFunctions.IsSafe(function), function.ToString()));
    }

    [Fact]
    public void Settings_PinnedAndSensitiveAreNotHarmless()
    {
        Assert.Empty(SafeSettings.Harmless.Intersect(SafeSettings.Pinned));
        Assert.Empty(SafeSettings.Harmless.Intersect(SafeSettings.Sensitive));
        Assert.DoesNotContain("role", SafeSettings.Harmless);
        Assert.DoesNotContain("session_authorization", SafeSettings.Harmless);
        Assert.Contains("search_path", SafeSettings.Pinned);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex Identifier();
}
