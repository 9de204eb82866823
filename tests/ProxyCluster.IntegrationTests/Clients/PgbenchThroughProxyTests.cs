using System.Text.RegularExpressions;
using ProxyCluster.IntegrationTests.Fixtures;

namespace ProxyCluster.IntegrationTests.Clients;

/// <summary>pgbench through the proxy in every query mode, bounded by transaction count; initialisation uses COPY.</summary>
[Collection(ProxyCollection.Name)]
public sealed partial class PgbenchThroughProxyTests(ProxyFixture fixture)
{
    private const int Clients = 2;
    private const int TransactionsPerClient = 100;

    [Theory]
    [InlineData("simple")]
    [InlineData("extended")]
    [InlineData("prepared")]
    public async Task TpcbLike_CompletesEveryTransaction(string mode)
    {
        await EnsureInitializedAsync();
        var result = await Pgbench("-M", mode, "-c", Clients.ToString(System.Globalization.CultureInfo.InvariantCulture), "-t", TransactionsPerClient.ToString(System.Globalization.CultureInfo.InvariantCulture), "-n");
        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
        var processed = ProcessedPattern().Match(result.StandardOutput);
        Assert.True(processed.Success, result.StandardOutput);
        Assert.Equal($"{Clients * TransactionsPerClient}/{Clients * TransactionsPerClient}", processed.Groups[1].Value);
        Assert.Contains("number of failed transactions: 0 ", result.StandardOutput, StringComparison.Ordinal);
    }

    private static readonly SemaphoreSlim InitializeOnce = new(1, 1);
    private static bool s_initialized;

    private async Task EnsureInitializedAsync()
    {
        await InitializeOnce.WaitAsync();
        try
        {
            if (!s_initialized)
            {
                var result = await Pgbench("-i", "-s", "1", "-q");
                Assert.True(result.ExitCode == 0, result.StandardError);
                s_initialized = true;
            }
        }
        finally
        {
            InitializeOnce.Release();
        }
    }

    private Task<ClientProcess.Result> Pgbench(params string[] arguments) =>
        ClientProcess.RunAsync(
            Path.Combine(fixture.Postgres.BinDirectory, "pgbench"),
            ["-h", "127.0.0.1", "-p", fixture.ScramOnlyPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", fixture.DefaultToken.User, .. arguments, ProxyFixture.AppDatabase],
            new Dictionary<string, string> { ["PGPASSWORD"] = fixture.DefaultToken.Token, ["PGSSLMODE"] = "disable" },
            TimeSpan.FromSeconds(120));

    [GeneratedRegex(@"number of transactions actually processed: (\d+/\d+)")]
    private static partial Regex ProcessedPattern();
}
