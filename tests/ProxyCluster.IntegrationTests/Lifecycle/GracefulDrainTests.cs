using System.Diagnostics;
using Npgsql;
using ProxyCluster.IntegrationTests.Fixtures;
using ProxyCluster.Node.Configuration;
using ProxyCluster.Node.Hosting;

namespace ProxyCluster.IntegrationTests.Lifecycle;

/// <summary>
/// A node told to stop (SIGTERM, a rolling update) closes its listeners and lets every session reach an idle
/// point: an idle session ends at once, one inside a transaction finishes it first; nothing committed is lost.
/// </summary>
[Collection(ProxyCollection.Name)]
public sealed class GracefulDrainTests(ProxyFixture fixture)
{
    [Fact]
    public async Task Stop_IdleSessionEndsAtOnce_TransactionFinishesFirst_NewConnectionsRefused()
    {
        var directory = Directory.CreateTempSubdirectory("proxycluster-drain-").FullName;
        var passwordFile = Path.Combine(directory, "upstream.password");
        await File.WriteAllTextAsync(passwordFile, fixture.UpstreamPassword + "\n");
        var node = ProxyNode.Create(new ProxyOptions
        {
            NodeId = "draining-node",
            DrainTimeoutSeconds = 20,
            Listeners = { new ListenerOptions { Address = "127.0.0.1", Port = 0, InsecureCleartextForLocalDevelopment = true } },
            Routes =
            {
                new RouteOptions
                {
                    Name = ProxyFixture.AppDatabase, Host = "127.0.0.1", Port = fixture.Postgres.Port, Database = ProxyFixture.AppDatabase,
                    User = ProxyFixture.AppRole, PasswordFile = passwordFile,
                },
            },
        });
        await node.StartAsync();
        var token = TestToken.Mint("drained");
        node.Tokens.Upsert(token.Record);
        var marker = Random.Shared.Next(1_000_000, 2_000_000);
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(fixture.ConnectionString(token)) { Port = node.PostgresEndPoints[0].Port }.ConnectionString;
            await using var idle = new NpgsqlConnection(connectionString);
            await idle.OpenAsync();
            await using var busy = new NpgsqlConnection(connectionString);
            await busy.OpenAsync();
            await using var transaction = await busy.BeginTransactionAsync();
            await new NpgsqlCommand($"INSERT INTO orders (user_id, amount) VALUES (1, {marker})", busy, transaction).ExecuteNonQueryAsync();

            var watch = Stopwatch.StartNew();
            var stopping = node.StopAsync();

            // The idle session is told at once (the busy one stays).
            await Eventually.True(() => node.Sessions.Count == 1, "the idle session has ended");
            var idleError = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("SELECT 1", idle).ExecuteScalarAsync());
            Assert.Equal("57P01", idleError.SqlState);
            Assert.Contains("proxy node is shutting down", idleError.MessageText, StringComparison.Ordinal);

            // The session in a transaction goes on until it commits.
            Assert.Equal(1, await new NpgsqlCommand("SELECT 1", busy, transaction).ExecuteScalarAsync());
            await transaction.CommitAsync();
            var busyError = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("SELECT 1", busy).ExecuteScalarAsync());
            Assert.Equal("57P01", busyError.SqlState);

            // The listener is closed to newcomers.
            await using (var late = new NpgsqlConnection(connectionString))
            {
                await Assert.ThrowsAnyAsync<NpgsqlException>(() => late.OpenAsync());
            }

            await stopping.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"stopping took {watch.Elapsed}: the drain waited for its timeout");
            await using var direct = await fixture.OpenDirectAsync();
            Assert.Equal(1L, await new NpgsqlCommand($"SELECT count(*) FROM orders WHERE amount = {marker}", direct).ExecuteScalarAsync());
        }
        finally
        {
            await node.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }
}
