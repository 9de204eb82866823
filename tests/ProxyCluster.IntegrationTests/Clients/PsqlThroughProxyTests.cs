using ProxyCluster.IntegrationTests.Fixtures;

namespace ProxyCluster.IntegrationTests.Clients;

/// <summary>libpq's psql through the proxy, with the token as its password (SCRAM-SHA-256).</summary>
[Collection(ProxyCollection.Name)]
public sealed class PsqlThroughProxyTests(ProxyFixture fixture)
{
    [Fact]
    public async Task MultiStatementString_ReturnsTheLastResult()
    {
        var result = await Psql("-tA", "-c", "CREATE TEMP TABLE m (v int); INSERT INTO m VALUES (1), (2), (3); SELECT sum(v) FROM m");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["CREATE TABLE", "INSERT 0 3", "6"], result.StandardOutput.Trim().Split('\n'));
    }

    [Fact]
    public async Task ErrorFollowedByMoreWork_ReportsTheErrorAndCarriesOn()
    {
        var result = await Psql("-tA", "-c", "SELECT 1/0", "-c", "SELECT 'after the error'");
        Assert.Contains("division by zero", result.StandardError, StringComparison.Ordinal);
        Assert.Equal("after the error", result.StandardOutput.Trim());
    }

    [Fact]
    public async Task BackslashCopy_MovesRowsInAndOut()
    {
        var directory = Directory.CreateTempSubdirectory("psql-copy-").FullName;
        try
        {
            var input = Path.Combine(directory, "in.csv");
            var output = Path.Combine(directory, "out.csv");
            await File.WriteAllLinesAsync(input, Enumerable.Range(1, 1000).Select(i => $"{i},name {i}"));
            var result = await Psql(
                "-v", "ON_ERROR_STOP=1",
                "-c", "CREATE TABLE IF NOT EXISTS psql_copy (id int, name text); TRUNCATE psql_copy",
                "-c", $"\\copy psql_copy FROM '{input}' WITH (FORMAT csv)",
                "-c", $"\\copy (SELECT * FROM psql_copy ORDER BY id) TO '{output}' WITH (FORMAT csv)");
            Assert.True(result.ExitCode == 0, result.StandardError);
            Assert.Equal(await File.ReadAllLinesAsync(input), await File.ReadAllLinesAsync(output));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task WrongToken_FailsWithThePostgresMessage()
    {
        var result = await Psql(TestToken.Mint("stranger"), "-c", "SELECT 1");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("password authentication failed", result.StandardError, StringComparison.Ordinal);
    }

    private Task<ClientProcess.Result> Psql(params string[] arguments) => Psql(fixture.DefaultToken, arguments);

    private Task<ClientProcess.Result> Psql(TestToken token, params string[] arguments) =>
        ClientProcess.RunAsync(
            Path.Combine(fixture.Postgres.BinDirectory, "psql"),
            [$"host=127.0.0.1 port={fixture.ScramOnlyPort} dbname={ProxyFixture.AppDatabase} user={token.User} sslmode=disable", "-X", .. arguments],
            new Dictionary<string, string> { ["PGPASSWORD"] = token.Token, ["PGCONNECT_TIMEOUT"] = "10" },
            TimeSpan.FromSeconds(60));
}
