using System.Net;
using System.Net.Sockets;

namespace ProxyCluster.Cli.Tests.Exchange;

/// <summary>Every documented status maps to its exit code, and the node's <c>error</c> text goes to stderr.</summary>
public sealed class AdminErrorExchangeTests : ExchangeTestBase
{
    [Theory]
    [InlineData(400, "invalid", ExitCodes.Usage)]
    [InlineData(404, "not_found", ExitCodes.NotFound)]
    [InlineData(409, "conflict", ExitCodes.Conflict)]
    [InlineData(503, "unavailable", ExitCodes.Unavailable)]
    [InlineData(500, "internal", ExitCodes.Failure)]
    public async Task Show_NodeAnswersError_ExitsWithItsCodeAndPrintsItsError(int status, string code, int exitCode)
    {
        Node.On("GET", $"/v1/tokens/{Id}", status, NodeJson.Error(code, $"the node says {code}"));

        var run = await RunAsync("token", "show", Id);

        Assert.Equal(exitCode, run.ExitCode);
        Assert.Equal($"proxyctl: the node says {code}\n", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public async Task Show_WrongAdminToken_ExitsUnauthorizedNamingWhereTheTokenCameFromButNotTheToken()
    {
        Node.On("GET", $"/v1/tokens/{Id}", 401, NodeJson.Error("unauthorized", "missing or wrong admin token"));

        var run = await RunAsync("token", "show", Id);

        Assert.Equal(ExitCodes.Unauthorized, run.ExitCode);
        Assert.Equal("proxyctl: missing or wrong admin token (admin token from PROXYCTL_ADMIN_TOKEN)\n", run.Error);
        Assert.DoesNotContain(AdminToken, run.Error + run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_NoAdminToken_SendsNoHeaderAndHintsOnUnauthorized()
    {
        Environment.Variables.Remove("PROXYCTL_ADMIN_TOKEN");
        Node.On("GET", "/v1/tokens", 401, NodeJson.Error("unauthorized", "missing or wrong admin token"));

        var run = await RunAsync("token", "list");

        Assert.Equal(ExitCodes.Unauthorized, run.ExitCode);
        Assert.Null(Node.SingleRequest.Authorization);
        Assert.Contains("no admin token was sent", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_AdminTokenFileOption_IsSentAsBearer()
    {
        var file = Environment.WriteFile("admin.token", "from-file-token\n");
        Node.On("GET", "/v1/tokens", 200, """{"tokens":[]}""");

        var run = await RunAsync("token", "list", "--admin-token-file", file);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal("Bearer from-file-token", Node.SingleRequest.Authorization);
    }

    [Fact]
    public async Task Show_ErrorWithoutJsonBody_SaysTheStatus()
    {
        Node.On("GET", $"/v1/tokens/{Id}", 502, "<html>bad gateway</html>");

        var run = await RunAsync("token", "show", Id);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal("proxyctl: the node answered 502 Bad Gateway\n", run.Error);
    }

    [Fact]
    public async Task Show_SuccessThatIsNotJson_Fails()
    {
        Node.On("GET", $"/v1/tokens/{Id}", 200, "not json");

        var run = await RunAsync("token", "show", Id);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.StartsWith("proxyctl: the node's answer is not the JSON proxyctl expects", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_ConnectionRefused_ExitsUnavailable()
    {
        Environment.Variables["PROXYCTL_NODE"] = $"http://{ClosedPort()}";

        var run = await RunAsync("token", "show", Id);

        Assert.Equal(ExitCodes.Unavailable, run.ExitCode);
        Assert.StartsWith("proxyctl: cannot reach the node at http://127.0.0.1:", run.Error, StringComparison.Ordinal);
        Assert.Contains("(PROXYCTL_NODE)", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_ConnectionRefused_ExitsUnavailableAndPrintsNoToken()
    {
        Environment.Variables["PROXYCTL_NODE"] = ClosedPort();

        var run = await RunAsync("token", "create", "--principal", "p", "--json");

        Assert.Equal(ExitCodes.Unavailable, run.ExitCode);
        Assert.Equal("", run.Output);
    }

    /// <summary>A loopback port nothing listens on: bound by the OS, then released.</summary>
    private static string ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"127.0.0.1:{port}";
    }
}
