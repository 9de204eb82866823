namespace ProxyCluster.Cli.Tests.Exchange;

/// <summary>A scripted node and an environment pointing proxyctl at it (via PROXYCTL_NODE), with an admin token.</summary>
public abstract class ExchangeTestBase : IAsyncLifetime
{
    protected const string AdminToken = "test-admin-token";

    protected const string Id = "abcdefghij12";

    internal TestEnvironment Environment { get; } = new();

    internal ScriptedNode Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Node = await ScriptedNode.StartAsync();
        Environment.Variables["PROXYCTL_NODE"] = Node.Address;
        Environment.Variables["PROXYCTL_ADMIN_TOKEN"] = AdminToken;
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        Environment.Dispose();
    }

    internal Task<CliRun> RunAsync(params string[] args) => Environment.RunAsync(args);

    /// <summary>The one line of a JSON answer, parsed.</summary>
    internal static System.Text.Json.JsonElement SingleJsonLine(CliRun run)
    {
        var line = Assert.Single(run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var document = System.Text.Json.JsonDocument.Parse(line);
        return document.RootElement.Clone();
    }
}
