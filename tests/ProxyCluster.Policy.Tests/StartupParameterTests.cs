namespace ProxyCluster.Policy.Tests;

[Collection(PolicyCollection.Name)]
public sealed class StartupParameterTests(PolicyFixture fixture)
{
    [Theory]
    [InlineData("application_name", "psql")]
    [InlineData("DateStyle", "ISO, MDY")]
    [InlineData("TimeZone", "UTC")]
    [InlineData("extra_float_digits", "3")]
    [InlineData("client_encoding", "UTF8")]
    [InlineData("client_encoding", "utf-8")]
    [InlineData("client_encoding", "UNICODE")]
    [InlineData("standard_conforming_strings", "on")]
    [InlineData("statement_timeout", "5s")]
    [InlineData("user", "alice")]
    [InlineData("database", "app")]
    public void CheckStartupParameter_Harmless_IsForwarded(string name, string value)
    {
        var decision = fixture.Policy("users-reader").CheckStartupParameter(name, value);

        Assert.True(decision.Allowed, decision.Reason);
    }

    [Theory]
    [InlineData("options", "-c search_path=evil", "\"options\" is not allowed")]
    [InlineData("replication", "database", "replication connections")]
    [InlineData("role", "postgres", "SET role")]
    [InlineData("session_authorization", "postgres", "session_authorization")]
    [InlineData("search_path", "evil, public", "the route pins it")]
    [InlineData("client_encoding", "LATIN1", "client_encoding must be UTF8")]
    [InlineData("client_encoding", "SQL_ASCII", "client_encoding must be UTF8")]
    [InlineData("standard_conforming_strings", "off", "cannot be turned off")]
    [InlineData("default_transaction_read_only", "off", "settings.allow_set")]
    [InlineData("session_replication_role", "replica", "settings.allow_set")]
    [InlineData("app.tenant_id", "42", "not one of the harmless settings")]
    [InlineData("_pq_.compression", "on", "protocol option")]
    public void CheckStartupParameter_Dangerous_IsRefused(string name, string value, string reason)
    {
        var decision = fixture.Policy("users-reader").CheckStartupParameter(name, value);

        Assert.False(decision.Allowed);
        Assert.Contains(reason, decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckStartupParameter_Unrestricted_ForwardsSettingsButNotOptionsOrEncodings()
    {
        var policy = SqlPolicy.Unrestricted;

        Assert.True(policy.CheckStartupParameter("search_path", "app").Allowed);
        Assert.True(policy.CheckStartupParameter("app.tenant_id", "1").Allowed);
        Assert.False(policy.CheckStartupParameter("options", "-c work_mem=1GB").Allowed);
        Assert.False(policy.CheckStartupParameter("client_encoding", "LATIN1").Allowed);
    }

    [Fact]
    public void CheckStartupParameter_AllowSet_ExtendsTheList()
    {
        var policy = SqlPolicy.Compile(PolicyDocument.Parse("""
            name: tenant
            allow:
              - statements: [select]
                tables: ["*"]
            settings:
              allow_set: [app.tenant_id]
            """));

        Assert.True(policy.CheckStartupParameter("app.tenant_id", "42").Allowed);
    }
}
