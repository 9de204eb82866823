using ProxyCluster.Tokens;

namespace ProxyCluster.Cli.Tests.Commands;

/// <summary>Command lines proxyctl refuses before it talks to any node: exit code 2, a message on stderr.</summary>
public sealed class CommandLineTests : IDisposable
{
    // Nothing listens here; a command that got past parsing would fail with 5, not 2.
    private const string DeadNode = "127.0.0.1:9";

    private readonly TestEnvironment _environment = new();

    public void Dispose() => _environment.Dispose();

    [Theory]
    [InlineData("token", "list", "--bogus")]
    [InlineData("token", "frobnicate")]
    [InlineData("token", "create")]
    [InlineData("token", "create", "--principal", " ")]
    [InlineData("token", "create", "--principal", "p", "--expires-in", "0s")]
    [InlineData("token", "create", "--principal", "p", "--expires-in", "soon")]
    [InlineData("token", "create", "--principal", "p", "--route", "")]
    [InlineData("token", "list", "--status", "dormant")]
    [InlineData("token", "show")]
    [InlineData("token", "show", "ABCDEFGHIJKL")]
    [InlineData("token", "show", "pct_short")]
    [InlineData("token", "revoke", "abcdefghijkl")]
    [InlineData("token", "revoke", "abcdefghijkl", "--reason", "")]
    [InlineData("token", "rotate", "abcdefghijkl", "--overlap", "-5m")]
    [InlineData("token", "update", "abcdefghijkl")]
    [InlineData("token", "update", "abcdefghijkl", "--expires-in", "1h", "--no-expiry")]
    [InlineData("session", "kill")]
    [InlineData("cluster")]
    public async Task Run_BadCommandLine_ExitsWithUsage(params string[] args)
    {
        var run = await _environment.RunAsync(["--node", DeadNode, .. args]);

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.NotEqual("", run.Error);
    }

    [Fact]
    public async Task Run_UpdateWithNothingToChange_SaysWhatCanChange()
    {
        var run = await _environment.RunAsync("--node", DeadNode, "token", "update", "abcdefghijkl");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("nothing to change", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WholeTokenAsId_IsRefusedWithoutEchoingIt()
    {
        var token = ApiToken.Mint(out _);

        var run = await _environment.RunAsync("--node", DeadNode, "token", "show", token);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("whole token", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(token, run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NoNodeAnywhere_ExitsWithUsageAndSaysHowToNameOne()
    {
        var run = await _environment.RunAsync("token", "list");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("proxyctl: no node to talk to", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnreadableAdminTokenFile_ExitsWithFailure()
    {
        var run = await _environment.RunAsync("--node", DeadNode, "--admin-token-file", "nope.token", "token", "list");

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.StartsWith("proxyctl: cannot read the admin token file", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MissingPolicyDocument_ExitsWithFailureBeforeMinting()
    {
        var run = await _environment.RunAsync("--node", DeadNode, "token", "create", "--principal", "p", "--policy", "missing.yaml");

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains("missing.yaml", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_RootHelp_ShowsPalettesAndAnExample()
    {
        var run = await _environment.RunAsync("--help");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("proxyctl token create --principal", run.Output, StringComparison.Ordinal);
        foreach (var palette in new[] { "token", "session", "cluster" })
        {
            Assert.Contains($"  {palette} ", run.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("token", "create")]
    [InlineData("token", "list")]
    [InlineData("token", "show")]
    [InlineData("token", "revoke")]
    [InlineData("token", "rotate")]
    [InlineData("token", "update")]
    [InlineData("token", "mint")]
    [InlineData("session", "list")]
    [InlineData("session", "kill")]
    [InlineData("cluster", "show")]
    public async Task Run_HelpOfEveryCommand_DescribesItAndTheGlobalOptions(string palette, string command)
    {
        var run = await _environment.RunAsync(palette, command, "--help");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        // The usage line starts with the host's executable name (testhost here), then the command path.
        Assert.Contains($" {palette} {command} ", run.Output[run.Output.IndexOf("Usage:", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.Contains("--node", run.Output, StringComparison.Ordinal);
        Assert.Contains("--json", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--json", "token", "mint", "--principal", "p")]
    [InlineData("token", "mint", "--principal", "p", "--json")]
    public async Task Run_MintJsonBeforeOrAfterTheCommand_PrintsOneJsonLine(params string[] args)
    {
        var run = await _environment.RunAsync(args);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var line = Assert.Single(run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("{\"id\":", line, StringComparison.Ordinal);
        Assert.Contains("\"bootstrap_line\":", line, StringComparison.Ordinal);
    }
}
