using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;
using ProxyCluster.IntegrationTests.Fixtures;

namespace ProxyCluster.IntegrationTests.Clients;

/// <summary>Npgsql through the proxy, doing what applications do; every result is checked against what PostgreSQL computed.</summary>
[Collection(ProxyCollection.Name)]
public sealed class NpgsqlThroughProxyTests(ProxyFixture fixture)
{
    [Fact]
    public async Task Session_RunsAsTheRouteRole_NotAsTheToken()
    {
        await using var connection = await fixture.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_user, current_database()", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(ProxyFixture.AppRole, reader.GetString(0));
        Assert.Equal(ProxyFixture.AppDatabase, reader.GetString(1));
    }

    [Fact]
    public async Task Parameters_OfSeveralTypes_RoundTrip()
    {
        await using var connection = await fixture.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT $1::int + $2::int, $3 || '!', length($3), $4::timestamptz, $5::numeric * 2", connection)
        {
            Parameters =
            {
                new() { Value = 40 },
                new() { Value = 2 },
                new() { Value = "héllo wörld" },
                new() { Value = new DateTime(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc) },
                new() { Value = 1.25m },
            },
        };
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(42, reader.GetInt32(0));
        Assert.Equal("héllo wörld!", reader.GetString(1));
        Assert.Equal(11, reader.GetInt32(2)); // characters, not bytes: the server read UTF-8
        Assert.Equal(new DateTime(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc), reader.GetDateTime(3));
        Assert.Equal(2.5m, reader.GetDecimal(4));
    }

    [Fact]
    public async Task PreparedStatement_IsPreparedOnceAndReused()
    {
        await using var connection = await fixture.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT $1::int * 3", connection) { Parameters = { new() { NpgsqlDbType = NpgsqlDbType.Integer } } };
        await command.PrepareAsync();
        for (var i = 0; i < 50; i++)
        {
            command.Parameters[0].Value = i;
            Assert.Equal(i * 3, (int)(await command.ExecuteScalarAsync())!);
        }

        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT $1::int * 3'", connection);
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Batch_ReturnsEveryResultInOrder()
    {
        await using var connection = await fixture.OpenAsync();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new("SELECT 1"),
                new("SELECT $1::text || '!'") { Parameters = { new() { Value = "two" } } },
                new("SELECT generate_series(1, 3)"),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(1, reader.GetInt32(0));
        Assert.True(await reader.NextResultAsync());
        Assert.True(await reader.ReadAsync());
        Assert.Equal("two!", reader.GetString(0));
        Assert.True(await reader.NextResultAsync());
        var rows = new List<int>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetInt32(0));
        }

        Assert.Equal([1, 2, 3], rows);
        Assert.False(await reader.NextResultAsync());
    }

    [Fact]
    public async Task BinaryCopy_InAndOut_PreservesEveryRow()
    {
        await using var connection = await fixture.OpenAsync();
        await Execute(connection, "CREATE TEMP TABLE copied (id int, payload text, data bytea)");
        const int Rows = 5_000;
        await using (var importer = await connection.BeginBinaryImportAsync("COPY copied (id, payload, data) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < Rows; i++)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(i, NpgsqlDbType.Integer);
                await importer.WriteAsync($"row {i}", NpgsqlDbType.Text);
                await importer.WriteAsync(BitConverter.GetBytes(i), NpgsqlDbType.Bytea);
            }

            Assert.Equal((ulong)Rows, await importer.CompleteAsync());
        }

        var seen = 0;
        await using (var exporter = await connection.BeginBinaryExportAsync("COPY (SELECT id, payload, data FROM copied ORDER BY id) TO STDOUT (FORMAT BINARY)"))
        {
            while (await exporter.StartRowAsync() != -1)
            {
                var id = await exporter.ReadAsync<int>(NpgsqlDbType.Integer);
                Assert.Equal(seen, id);
                Assert.Equal($"row {id}", await exporter.ReadAsync<string>(NpgsqlDbType.Text));
                Assert.Equal(BitConverter.GetBytes(id), await exporter.ReadAsync<byte[]>(NpgsqlDbType.Bytea));
                seen++;
            }
        }

        Assert.Equal(Rows, seen);
    }

    [Fact]
    public async Task Cancellation_StopsTheRunningQueryUpstream()
    {
        await using var connection = await fixture.OpenAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using var command = new NpgsqlCommand("SELECT pg_sleep(30)", connection);
        var exception = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => command.ExecuteNonQueryAsync(cancel.Token));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), $"cancel took {started.Elapsed}");
        Assert.Equal("57014", Assert.IsType<PostgresException>(exception.InnerException).SqlState);

        // The session survives a cancelled query, as it does on a direct connection.
        await using var after = new NpgsqlCommand("SELECT 7", connection);
        Assert.Equal(7, (int)(await after.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task LargeResult_OfOneHundredThousandRows_ArrivesWhole()
    {
        await using var connection = await fixture.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT i, md5(i::text) FROM generate_series(1, 100000) AS i", connection);
        await using var reader = await command.ExecuteReaderAsync();
        long count = 0, sum = 0;
        while (await reader.ReadAsync())
        {
            count++;
            sum += reader.GetInt32(0);
            Assert.Equal(32, reader.GetString(1).Length);
        }

        Assert.Equal(100_000, count);
        Assert.Equal(100_000L * 100_001 / 2, sum);
    }

    [Fact]
    public async Task LargeBytea_OfFiveMegabytes_RoundTripsBothWays()
    {
        var payload = RandomNumberGenerator.GetBytes(5 * 1024 * 1024);
        await using var connection = await fixture.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT $1::bytea, md5($1::bytea)", connection) { Parameters = { new() { Value = payload } } };
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(payload, (byte[])reader[0]);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(payload)), reader.GetString(1));
    }

    [Fact]
    public async Task Notifications_AreRelayed()
    {
        await using var listener = await fixture.OpenAsync();
        await using var notifier = await fixture.OpenAsync();
        var received = new TaskCompletionSource<NpgsqlNotificationEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Notification += (_, e) => received.TrySetResult(e);
        await Execute(listener, "LISTEN proxy_events");
        await Execute(notifier, "NOTIFY proxy_events, 'hello'");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!received.Task.IsCompleted)
        {
            await listener.WaitAsync(timeout.Token);
        }

        var notification = await received.Task;
        Assert.Equal("proxy_events", notification.Channel);
        Assert.Equal("hello", notification.Payload);
    }

    [Fact]
    public async Task NoticesAndParameterStatus_AreRelayed()
    {
        await using var connection = await fixture.OpenAsync();
        var notices = new List<string>();
        connection.Notice += (_, e) => notices.Add(e.Notice.MessageText);
        await Execute(connection, "DO $$ BEGIN RAISE NOTICE 'from the server'; END $$");
        Assert.Equal(["from the server"], notices);

        await Execute(connection, "SET application_name = 'proxied-app'");
        Assert.Equal("proxied-app", connection.PostgresParameters["application_name"]);
        Assert.Equal("UTF8", connection.PostgresParameters["client_encoding"]);
    }

    [Fact]
    public async Task FailedStatementInTransaction_KeepsPostgresTransactionSemantics()
    {
        await using var connection = await fixture.OpenAsync();
        await Execute(connection, "CREATE TEMP TABLE tx (v int)");
        await using var transaction = await connection.BeginTransactionAsync();
        await Execute(connection, "INSERT INTO tx VALUES (1)");
        var failure = await Assert.ThrowsAsync<PostgresException>(() => Execute(connection, "SELECT 1/0"));
        Assert.Equal("22012", failure.SqlState);
        var aborted = await Assert.ThrowsAsync<PostgresException>(() => Execute(connection, "SELECT 1"));
        Assert.Equal("25P02", aborted.SqlState);
        await transaction.RollbackAsync();

        await using var count = new NpgsqlCommand("SELECT count(*) FROM tx", connection);
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task ScramOnlyListener_AuthenticatesWithScram()
    {
        var builder = new NpgsqlConnectionStringBuilder(fixture.ConnectionString(port: fixture.ScramOnlyPort)) { ChannelBinding = ChannelBinding.Disable };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT 5", connection);
        Assert.Equal(5, (int)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task UpstreamBackendKey_IsNeverShownToTheClient()
    {
        await using var connection = await fixture.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        var upstreamPid = (int)(await command.ExecuteScalarAsync())!;
        Assert.NotEqual(upstreamPid, connection.ProcessID);
        Assert.Equal(1, connection.ProcessID >> 24); // minted by node ordinal 1
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
