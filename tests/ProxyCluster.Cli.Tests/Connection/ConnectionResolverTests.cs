using ProxyCluster.Cli.Admin;
using ProxyCluster.Cli.Connection;

namespace ProxyCluster.Cli.Tests.Connection;

public sealed class ConnectionResolverTests : IDisposable
{
    private readonly TestEnvironment _environment = new();

    public void Dispose() => _environment.Dispose();

    [Fact]
    public void TryResolve_NodeOption_BeatsVariableAndClusterEnv()
    {
        _environment.Variables["PROXYCTL_NODE"] = "10.0.0.2:2";
        TestEnvironment.WriteClusterEnv(_environment.Root, "ADMIN_URLS='http://10.0.0.3:3'");

        var connection = Resolve("10.0.0.1:1");

        Assert.Equal("http://10.0.0.1:1/", connection.Node.ToString());
        Assert.Equal("--node", connection.NodeSource);
    }

    [Fact]
    public void TryResolve_NoOption_UsesVariableBeforeClusterEnv()
    {
        _environment.Variables["PROXYCTL_NODE"] = "http://10.0.0.2:2";
        TestEnvironment.WriteClusterEnv(_environment.Root, "ADMIN_URLS='http://10.0.0.3:3'");

        Assert.Equal("http://10.0.0.2:2/", Resolve().Node.ToString());
    }

    [Fact]
    public void TryResolve_BlankVariable_IsTreatedAsUnset()
    {
        _environment.Variables["PROXYCTL_NODE"] = "  ";
        TestEnvironment.WriteClusterEnv(_environment.Root, "ADMIN_URLS='http://10.0.0.3:3'");

        Assert.Equal("http://10.0.0.3:3/", Resolve().Node.ToString());
    }

    [Fact]
    public void TryResolve_ClusterEnvAboveWorkingDirectory_TakesFirstAdminUrl()
    {
        var path = TestEnvironment.WriteClusterEnv(_environment.Root, "export ADMIN_URLS=\"http://127.0.0.1:7101 http://127.0.0.1:7102\"");

        var connection = Resolve();

        Assert.Equal("http://127.0.0.1:7101/", connection.Node.ToString());
        Assert.Contains(path, connection.NodeSource, StringComparison.Ordinal);
    }

    [Fact]
    public void TryResolve_ClusterEnvNearWorkingDirectory_BeatsTheOneNearTheBinary()
    {
        TestEnvironment.WriteClusterEnv(Path.Combine(_environment.Root, "install"), "ADMIN_URLS=http://10.0.0.9:9");
        TestEnvironment.WriteClusterEnv(Path.Combine(_environment.Root, "work"), "ADMIN_URLS=http://10.0.0.1:1");

        Assert.Equal("http://10.0.0.1:1/", Resolve().Node.ToString());
    }

    [Fact]
    public void TryResolve_ClusterEnvOnlyNearTheBinary_IsFoundFromTheBinaryDirectory()
    {
        TestEnvironment.WriteClusterEnv(Path.Combine(_environment.Root, "install"), "ADMIN_URLS=http://10.0.0.9:9");

        Assert.Equal("http://10.0.0.9:9/", Resolve().Node.ToString());
    }

    [Fact]
    public void TryResolve_NoNodeAnywhere_IsAUsageFailureNamingTheWays()
    {
        var failure = ResolveFailure();

        Assert.Equal(ExitCodes.Usage, failure.ExitCode);
        Assert.Contains("--node", failure.Message, StringComparison.Ordinal);
        Assert.Contains("PROXYCTL_NODE", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryResolve_BadNodeFromVariable_NamesTheVariable()
    {
        _environment.Variables["PROXYCTL_NODE"] = "ftp://x:1";

        var failure = ResolveFailure();

        Assert.Equal(ExitCodes.Usage, failure.ExitCode);
        Assert.Contains("PROXYCTL_NODE", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryResolve_AdminTokenFileOption_BeatsEverythingElse()
    {
        var file = _environment.WriteFile("option.token", "from-option\n");
        _environment.Variables["PROXYCTL_ADMIN_TOKEN"] = "from-variable";
        _environment.Variables["PROXYCTL_ADMIN_TOKEN_FILE"] = _environment.WriteFile("variable.token", "from-variable-file");
        WriteClusterEnvWithTokenFile("cluster.token", "from-cluster-env");

        Assert.Equal("from-option", Resolve("1.2.3.4:5", file).AdminToken);
    }

    [Fact]
    public void TryResolve_AdminTokenVariable_BeatsTokenFileVariableAndClusterEnv()
    {
        _environment.Variables["PROXYCTL_ADMIN_TOKEN"] = " from-variable ";
        _environment.Variables["PROXYCTL_ADMIN_TOKEN_FILE"] = _environment.WriteFile("variable.token", "from-variable-file");
        WriteClusterEnvWithTokenFile("cluster.token", "from-cluster-env");

        var connection = Resolve("1.2.3.4:5");

        Assert.Equal("from-variable", connection.AdminToken);
        Assert.Equal("PROXYCTL_ADMIN_TOKEN", connection.AdminTokenSource);
    }

    [Fact]
    public void TryResolve_AdminTokenFileVariable_BeatsClusterEnv()
    {
        _environment.Variables["PROXYCTL_ADMIN_TOKEN_FILE"] = _environment.WriteFile("variable.token", "from-variable-file\n");
        WriteClusterEnvWithTokenFile("cluster.token", "from-cluster-env");

        Assert.Equal("from-variable-file", Resolve("1.2.3.4:5").AdminToken);
    }

    [Fact]
    public void TryResolve_OnlyClusterEnv_ReadsItsAdminTokenFileRelativeToIt()
    {
        WriteClusterEnvWithTokenFile("admin.token", "from-cluster-env\n", relative: true);

        Assert.Equal("from-cluster-env", Resolve().AdminToken);
    }

    [Fact]
    public void TryResolve_NoAdminTokenAnywhere_SendsNone()
    {
        var connection = Resolve("1.2.3.4:5");

        Assert.Null(connection.AdminToken);
        Assert.Null(connection.AdminTokenSource);
    }

    [Fact]
    public void TryResolve_MissingAdminTokenFile_FailsWithoutFallingBack()
    {
        _environment.Variables["PROXYCTL_ADMIN_TOKEN"] = "would-be-used-otherwise";

        var failure = ResolveFailure("1.2.3.4:5", Path.Combine(_environment.Root, "missing.token"));

        Assert.Equal(ExitCodes.Failure, failure.ExitCode);
        Assert.Contains("missing.token", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n")]
    [InlineData("two words")]
    public void TryResolve_UnusableAdminToken_FailsAndNeverEchoesIt(string content)
    {
        var file = _environment.WriteFile("bad.token", content);

        var failure = ResolveFailure("1.2.3.4:5", file);

        Assert.Equal(ExitCodes.Failure, failure.ExitCode);
        Assert.DoesNotContain("two words", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AdminConnection_ToString_NeverShowsTheToken()
    {
        _environment.Variables["PROXYCTL_ADMIN_TOKEN"] = "s3cr3t-admin-token";

        Assert.DoesNotContain("s3cr3t", Resolve("1.2.3.4:5").ToString(), StringComparison.Ordinal);
    }

    private void WriteClusterEnvWithTokenFile(string name, string token, bool relative = false)
    {
        var runDirectory = Path.Combine(_environment.Root, "cluster-config", ".run");
        Directory.CreateDirectory(runDirectory);
        File.WriteAllText(Path.Combine(runDirectory, name), token);
        TestEnvironment.WriteClusterEnv(
            _environment.Root,
            $"ADMIN_URLS='http://127.0.0.1:7101'\nADMIN_TOKEN_FILE='{(relative ? name : Path.Combine(runDirectory, name))}'\n");
    }

    private AdminConnection Resolve(string? node = null, string? tokenFile = null)
    {
        Assert.True(ConnectionResolver.TryResolve(node, tokenFile, _environment.Environment, out var connection, out var failure), failure?.Message);
        return connection;
    }

    private AdminFailure ResolveFailure(string? node = null, string? tokenFile = null)
    {
        Assert.False(ConnectionResolver.TryResolve(node, tokenFile, _environment.Environment, out _, out var failure));
        return failure;
    }
}
