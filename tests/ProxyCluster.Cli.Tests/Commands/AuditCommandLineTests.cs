using ProxyCluster.Tokens;

namespace ProxyCluster.Cli.Tests.Commands;

/// <summary><c>proxyctl audit</c> command lines refused before any node is asked: exit code 2, a message on stderr.</summary>
public sealed class AuditCommandLineTests : IDisposable
{
    // Nothing listens here; a command that got past parsing would fail with 5, not 2.
    private const string DeadNode = "127.0.0.1:9";

    private readonly TestEnvironment _environment = new();

    public void Dispose() => _environment.Dispose();

    [Theory]
    [InlineData("audit")]
    [InlineData("audit", "search", "--decision", "maybe")]
    [InlineData("audit", "search", "--type", "query")]
    [InlineData("audit", "search", "--limit", "0")]
    [InlineData("audit", "search", "--limit", "1001")]
    [InlineData("audit", "search", "--since", "yesterday")]
    [InlineData("audit", "search", "--until", "-1h")]
    [InlineData("audit", "search", "--table", " ")]
    [InlineData("audit", "search", "--token", "ABCDEFGHIJKL")]
    [InlineData("audit", "tail", "--limit", "x")]
    [InlineData("audit", "tail", "--table", "orders")]
    public async Task Run_BadAuditCommandLine_ExitsWithUsage(params string[] args)
    {
        var run = await _environment.RunAsync(["--node", DeadNode, .. args]);

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.NotEqual("", run.Error);
    }

    [Fact]
    public async Task Run_WholeTokenAsTokenFilter_IsRefusedWithoutEchoingIt()
    {
        var token = ApiToken.Mint(out _);

        var run = await _environment.RunAsync("--node", DeadNode, "audit", "search", "--token", token);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("whole token", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(token, run.Output + run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("audit", "--help")]
    [InlineData("audit", "search", "--help")]
    [InlineData("audit", "tail", "--help")]
    public async Task Run_Help_DescribesTheCommand(params string[] args)
    {
        var run = await _environment.RunAsync(args);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("audit", run.Output, StringComparison.Ordinal);
        Assert.Contains("Usage:", run.Output, StringComparison.Ordinal);
    }
}
