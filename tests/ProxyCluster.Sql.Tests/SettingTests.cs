namespace ProxyCluster.Sql.Tests;

public sealed class SettingTests(AnalyzerFixture fixture) : IClassFixture<AnalyzerFixture>
{
    private readonly SqlAnalyzer _analyzer = fixture.Analyzer;

    [Theory]
    [InlineData("SET search_path = public", StatementKind.Set, "search_path", false)]
    [InlineData("SET search_path TO evil, public", StatementKind.Set, "search_path", false)]
    [InlineData("SET SCHEMA 'evil'", StatementKind.Set, "search_path", false)]
    [InlineData("SET \"Search_Path\" TO evil", StatementKind.Set, "search_path", false)]
    [InlineData("SET SEARCH_PATH TO evil", StatementKind.Set, "search_path", false)]
    [InlineData("SET LOCAL statement_timeout = 0", StatementKind.Set, "statement_timeout", true)]
    [InlineData("SET SESSION statement_timeout = 0", StatementKind.Set, "statement_timeout", false)]
    [InlineData("SET search_path TO DEFAULT", StatementKind.Set, "search_path", false)]
    [InlineData("SET TIME ZONE 'UTC'", StatementKind.Set, "timezone", false)]
    [InlineData("SET NAMES 'LATIN1'", StatementKind.Set, "client_encoding", false)]
    [InlineData("SET client_encoding TO 'SJIS'", StatementKind.Set, "client_encoding", false)]
    [InlineData("SET standard_conforming_strings = off", StatementKind.Set, "standard_conforming_strings", false)]
    [InlineData("SET myapp.tenant = '42'", StatementKind.Set, "myapp.tenant", false)]
    [InlineData("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", StatementKind.Set, "transaction", false)]
    [InlineData("SHOW search_path", StatementKind.Show, "search_path", false)]
    [InlineData("SHOW \"TimeZone\"", StatementKind.Show, "timezone", false)]
    [InlineData("SHOW ALL", StatementKind.Show, "all", false)]
    [InlineData("RESET search_path", StatementKind.Reset, "search_path", false)]
    [InlineData("RESET ALL", StatementKind.Reset, null, false)]
    [InlineData("SET ROLE postgres", StatementKind.SetRole, "role", false)]
    [InlineData("SET LOCAL ROLE postgres", StatementKind.SetRole, "role", true)]
    [InlineData("SET role = 'postgres'", StatementKind.SetRole, "role", false)]
    [InlineData("RESET ROLE", StatementKind.SetRole, "role", false)]
    [InlineData("SET SESSION AUTHORIZATION postgres", StatementKind.SetSessionAuthorization, "session_authorization", false)]
    [InlineData("SET session_authorization = 'postgres'", StatementKind.SetSessionAuthorization, "session_authorization", false)]
    [InlineData("RESET SESSION AUTHORIZATION", StatementKind.SetSessionAuthorization, "session_authorization", false)]
    public void Analyze_SettingStatement_ReportsKindNameAndScope(string sql, StatementKind kind, string? name, bool isLocal)
    {
        var statement = _analyzer.Single(sql);

        Assert.Equal(kind, statement.Kind);
        Assert.Equal(name, statement.SettingName);
        Assert.Equal(isLocal, statement.IsSetLocal);
    }

    [Fact]
    public void Analyze_SetConfigFunction_IsAFunctionNotASetStatement()
    {
        var statement = _analyzer.Single("SELECT set_config('search_path', 'evil', false)");

        Assert.Equal(StatementKind.Select, statement.Kind);
        Assert.Null(statement.SettingName);
        Assert.Contains(new FunctionReference(null, "set_config"), statement.Functions);
    }
}
