using Npgsql;
using ProxyCluster.IntegrationTests.Fixtures;

namespace ProxyCluster.IntegrationTests.Policy;

/// <summary>
/// Per-token SQL policy through the proxy with real clients: what is allowed runs, what is denied gets 42501 in the
/// place a server error would take, with the same transaction consequences, and never reaches the database.
/// </summary>
[Collection(ProxyCollection.Name)]
public sealed class PolicyEnforcementTests(ProxyFixture fixture)
{
    [Fact]
    public async Task UsersReader_MaySelectUsers_ButNothingElse()
    {
        var reader = fixture.AddToken("reader", policy: "users-reader");
        await using var connection = await fixture.OpenAsync(reader);
        Assert.Equal(2L, await Scalar<long>(connection, "SELECT count(*) FROM users"));

        var orders = await Denied(connection, "SELECT * FROM orders");
        Assert.Contains("orders", orders.MessageText, StringComparison.Ordinal);
        Assert.Contains("users-reader", orders.MessageText, StringComparison.Ordinal);
        await Denied(connection, "UPDATE users SET name = 'x'");
        await Denied(connection, "WITH gone AS (DELETE FROM users RETURNING *) SELECT count(*) FROM gone");
        await Denied(connection, "SELECT * FROM users FOR UPDATE");

        await using var direct = await fixture.OpenDirectAsync();
        Assert.Equal(2L, await Scalar<long>(direct, "SELECT count(*) FROM users WHERE name <> 'x'"));
    }

    [Fact]
    public async Task OrdersWriter_MayInsertOrders_ButNotReadThem()
    {
        var writer = fixture.AddToken("writer", policy: "orders-writer");
        await using var connection = await fixture.OpenAsync(writer);
        await using (var insert = new NpgsqlCommand("INSERT INTO orders (user_id, amount) VALUES ($1, $2)", connection))
        {
            insert.Parameters.AddWithValue(1);
            insert.Parameters.AddWithValue(9.99m);
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }

        await Denied(connection, "SELECT * FROM orders");
        await Denied(connection, "INSERT INTO users VALUES (3, 'grace')");
        await Denied(connection, "INSERT INTO orders (user_id, amount) VALUES (1, 1) RETURNING *");
    }

    [Fact]
    public async Task DeniedStatementInATransaction_AbortsTheBlock_AndCommitRollsBack()
    {
        var writer = fixture.AddToken("tx-writer", policy: "orders-writer");
        var marker = Random.Shared.Next(1_000_000, int.MaxValue);
        await using var connection = await fixture.OpenAsync(writer);
        await Execute(connection, "BEGIN");
        await Execute(connection, $"INSERT INTO orders (user_id, amount) VALUES ({marker}, 1)");
        Assert.Equal("42501", (await Denied(connection, "DELETE FROM orders")).SqlState);
        var aborted = await Assert.ThrowsAsync<PostgresException>(() => Execute(connection, $"INSERT INTO orders (user_id, amount) VALUES ({marker}, 2)"));
        Assert.Equal("25P02", aborted.SqlState);
        await Execute(connection, "COMMIT");

        await using var direct = await fixture.OpenDirectAsync();
        Assert.Equal(0L, await Scalar<long>(direct, $"SELECT count(*) FROM orders WHERE user_id = {marker}"));
    }

    [Fact]
    public async Task ExtendedProtocolPipeline_FailsAtTheDeniedStatement_AndSkipsTheRest()
    {
        var reader = fixture.AddToken("pipeline", policy: "users-reader");
        await using var connection = await fixture.OpenAsync(reader);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands = { new("SELECT count(*) FROM users"), new("SELECT count(*) FROM orders"), new("SELECT 3") },
        };
        await using var reader2 = await batch.ExecuteReaderAsync();
        Assert.True(await reader2.ReadAsync());
        Assert.Equal(2L, reader2.GetInt64(0));
        var error = await Assert.ThrowsAsync<PostgresException>(() => reader2.NextResultAsync());
        Assert.Equal("42501", error.SqlState);
        await reader2.DisposeAsync();

        // The connection is usable afterwards, as after any server error.
        Assert.Equal(2L, await Scalar<long>(connection, "SELECT count(*) FROM users"));
    }

    [Fact]
    public async Task PreparingADeniedStatement_FailsAtParse()
    {
        var reader = fixture.AddToken("prepare", policy: "users-reader");
        await using var connection = await fixture.OpenAsync(reader);
        await using var command = new NpgsqlCommand("DELETE FROM users WHERE id = $1", connection) { Parameters = { new() { Value = 1 } } };
        var error = await Assert.ThrowsAsync<PostgresException>(() => command.PrepareAsync());
        Assert.Equal("42501", error.SqlState);

        await using var allowed = new NpgsqlCommand("SELECT name FROM users WHERE id = $1", connection) { Parameters = { new() { Value = 1 } } };
        await allowed.PrepareAsync();
        Assert.Equal("ada", (string)(await allowed.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task SettingsThatChangeNameResolutionOrIdentity_AreDenied()
    {
        var reader = fixture.AddToken("settings", policy: "users-reader");
        await using var connection = await fixture.OpenAsync(reader);
        await Denied(connection, "SET search_path = evil, public");
        await Denied(connection, "SELECT set_config('search_path', 'evil', false)");
        await Denied(connection, "SET ROLE postgres");
        await Denied(connection, "SET client_encoding = 'LATIN1'");
        await Execute(connection, "SET application_name = 'fine'");
        Assert.Equal("public", await Scalar<string>(connection, "SHOW search_path"));
    }

    [Fact]
    public async Task ChangingAPinnedSettingThroughSetConfig_EndsTheSession()
    {
        // Unrestricted does not check functions, so the server applies it; the proxy sees the server report it.
        await using var connection = await fixture.OpenAsync(fixture.AddToken("pinned"));
        var error = await Assert.ThrowsAsync<PostgresException>(() => Execute(connection, "SELECT set_config('standard_conforming_strings', 'off', false)"));
        Assert.Equal("42501", error.SqlState);
        Assert.Contains("standard_conforming_strings", error.MessageText, StringComparison.Ordinal);
        Assert.NotEqual(System.Data.ConnectionState.Open, connection.State);
    }

    [Fact]
    public async Task LongQueries_AreCheckedOffTheSocketThread_WithTheSameOutcome()
    {
        // Over the inline-parse limit (2 KiB), so the check goes to a parser thread and the relay awaits it.
        var ids = string.Join(", ", Enumerable.Range(1, 1500));
        await using var connection = await fixture.OpenAsync(fixture.AddToken("long", policy: "users-reader"));
        Assert.Equal(2L, await Scalar<long>(connection, $"SELECT count(*) FROM users WHERE id IN ({ids})"));
        await Denied(connection, $"SELECT count(*) FROM orders WHERE id IN ({ids})");
        Assert.Equal(2L, await Scalar<long>(connection, $"SELECT count(*) FROM users WHERE id IN ({ids}) /* again */"));
    }

    [Fact]
    public async Task SyntaxErrors_GetTheParsersError_WithItsPosition()
    {
        await using var connection = await fixture.OpenAsync(fixture.AddToken("syntax", policy: "users-reader"));
        var error = await Assert.ThrowsAsync<PostgresException>(() => Execute(connection, "SELECT * FROM users WHERE"));
        Assert.Equal("42601", error.SqlState);
        Assert.True(error.Position > 0);
    }

    [Fact]
    public async Task UnknownPolicy_DeniesEverything()
    {
        // Npgsql's own type-loading queries would be denied too, so it must not run them for this test.
        var orphan = fixture.AddToken("orphan", policy: "no-such-policy");
        var builder = new NpgsqlDataSourceBuilder(fixture.ConnectionString(orphan));
        builder.ConfigureTypeLoading(types => types.EnableTypeLoading(false));
        await using var source = builder.Build();
        await using var connection = await source.OpenConnectionAsync();
        Assert.Contains("no-such-policy", (await Denied(connection, "SELECT 1")).MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadOnly_AllowsReadsOfAnyTable_AndNoWrites()
    {
        await using var connection = await fixture.OpenAsync(fixture.AddToken("ro", policy: "read-only"));
        Assert.Equal(2L, await Scalar<long>(connection, "SELECT count(*) FROM users"));
        await Scalar<long>(connection, "SELECT count(*) FROM orders");
        await Denied(connection, "DELETE FROM orders");
        await Denied(connection, "CREATE TABLE sneaky (id int)");
    }

    [Fact]
    public async Task Psql_MultiStatementWithOneDeniedPart_RunsNone()
    {
        var reader = fixture.AddToken("psql-multi", policy: "users-reader");
        var result = await ClientProcess.RunAsync(
            Path.Combine(fixture.Postgres.BinDirectory, "psql"),
            [$"host=127.0.0.1 port={fixture.ScramOnlyPort} dbname={ProxyFixture.AppDatabase} user={reader.User} sslmode=disable", "-X", "-tA",
             "-c", "SELECT count(*) FROM users; DELETE FROM users", "-c", "SELECT 'after'"],
            new Dictionary<string, string> { ["PGPASSWORD"] = reader.Token },
            TimeSpan.FromSeconds(60));
        Assert.Contains("does not allow", result.StandardError, StringComparison.Ordinal);
        Assert.Equal("after", result.StandardOutput.Trim()); // the count of the first statement never ran either

        await using var direct = await fixture.OpenDirectAsync();
        Assert.Equal(2L, await Scalar<long>(direct, "SELECT count(*) FROM users"));
    }

    private static async Task<PostgresException> Denied(NpgsqlConnection connection, string sql)
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => Execute(connection, sql));
        Assert.True(error.SqlState == "42501", $"{sql}: {error.SqlState} {error.MessageText}");
        return error;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> Scalar<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
