using ProxyCluster.Cli.Connection;

namespace ProxyCluster.Cli.Tests.Connection;

public sealed class ClusterEnvFileTests
{
    [Fact]
    public void Parse_UpShOutput_ReadsQuotedValuesWithoutRunningAnything()
    {
        var values = ClusterEnvFile.Parse(
            "# Written by cluster-config/up.sh at 2030-01-01T00:00:00Z; removed by down.sh. Source it from bash.\n" +
            "PROXY_HOST='127.0.0.1'\n" +
            "ADMIN_URLS='http://127.0.0.1:7101 http://127.0.0.1:7102'\n" +
            "PROXYCTL='dotnet /x/proxyctl.dll'\n" +
            "DEMO_USER=''\n" +
            "EVIL='$(touch /tmp/pwned)'\n");

        Assert.Equal("127.0.0.1", values["PROXY_HOST"]);
        Assert.Equal("http://127.0.0.1:7101 http://127.0.0.1:7102", values["ADMIN_URLS"]);
        Assert.Equal("dotnet /x/proxyctl.dll", values["PROXYCTL"]);
        Assert.Equal("", values["DEMO_USER"]);
        Assert.Equal("$(touch /tmp/pwned)", values["EVIL"]);
    }

    [Theory]
    [InlineData("A=plain", "plain")]
    [InlineData("export A=exported", "exported")]
    [InlineData("  export   A='spaced export'", "spaced export")]
    [InlineData("A=\"double quoted\"", "double quoted")]
    [InlineData("A=\"esc \\\"q\\\" \\\\ \\$HOME \\n\"", "esc \"q\" \\ $HOME \\n")]
    [InlineData("A='it'\\''s'", "it's")]
    [InlineData("A=bare # a comment", "bare")]
    [InlineData("A=with\\ space", "with space")]
    [InlineData("A='x'\r", "x")]
    [InlineData("A=http://h:1/p?q=1", "http://h:1/p?q=1")]
    public void Parse_OneAssignment_ReadsTheValueAsBashWould(string line, string expected)
    {
        Assert.Equal(expected, ClusterEnvFile.Parse(line)["A"]);
    }

    [Theory]
    [InlineData("# A=commented")]
    [InlineData("A")]
    [InlineData("1A=digit first")]
    [InlineData("A-B=dash")]
    [InlineData("=no key")]
    [InlineData("A='unterminated")]
    [InlineData("A=\"unterminated")]
    [InlineData("exportA=x")]
    public void Parse_NotAnAssignment_IsSkipped(string line)
    {
        var values = ClusterEnvFile.Parse(line + "\nB=after");

        Assert.DoesNotContain("A", values.Keys);
        Assert.Equal("after", values["B"]); // and the next line is still read
    }

    [Fact]
    public void Parse_KeyTwice_LastWinsAsWhenSourced()
    {
        Assert.Equal("second", ClusterEnvFile.Parse("A=first\nexport A=second\n")["A"]);
    }

    [Fact]
    public void FindUpwards_FileInAnAncestor_FindsIt()
    {
        using var environment = new TestEnvironment();
        var path = TestEnvironment.WriteClusterEnv(Path.Combine(environment.Root, "work"), "A=1");

        Assert.Equal(path, ClusterEnvFile.FindUpwards(environment.WorkingDirectory));
        Assert.Null(ClusterEnvFile.FindUpwards(environment.BinaryDirectory));
    }
}
