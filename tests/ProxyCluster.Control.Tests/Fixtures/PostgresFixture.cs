using System.Globalization;
using Npgsql;
using ProxyCluster.IntegrationTests.Fixtures;

namespace ProxyCluster.Control.Tests.Fixtures;

/// <summary>One throwaway PostgreSQL per test class; each test takes a fresh database from it.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;
    private int _databases;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("the server is not started");

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A new empty database and a store on it (not migrated), with a pooled data source.</summary>
    public Task<TestStore> NewStoreAsync(string schema = ControlStore.DefaultSchema) => TestStore.CreateAsync(Server, NextName(), schema);

    private string NextName() =>
        "t" + Interlocked.Increment(ref _databases).ToString(CultureInfo.InvariantCulture) + "_" + Guid.NewGuid().ToString("N")[..8];
}

/// <summary>A database of its own, a pooled data source on it as the superuser, and the store over it.</summary>
public sealed class TestStore : IAsyncDisposable
{
    private TestStore(PostgresServer server, string database, NpgsqlDataSource dataSource, ControlStore store)
    {
        Server = server;
        Database = database;
        DataSource = dataSource;
        Store = store;
    }

    public PostgresServer Server { get; }

    public string Database { get; }

    public NpgsqlDataSource DataSource { get; }

    public ControlStore Store { get; }

    public static async Task<TestStore> CreateAsync(PostgresServer server, string database, string schema)
    {
        await server.CreateDatabaseAsync(database);
        var dataSource = NpgsqlDataSource.Create(Pooled(server.ConnectionString(database)));
        return new TestStore(server, database, dataSource, new ControlStore(dataSource, schema));
    }

    public static string Pooled(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = true, Timeout = 5 }.ConnectionString;

    /// <summary>A second data source on the same database as another role (created LOGIN, with read access to the schema).</summary>
    public async Task<(NpgsqlDataSource DataSource, string Role)> NewRoleDataSourceAsync(string role)
    {
        var password = await Server.CreateRoleAsync(role);
        await ExecuteAsync($"GRANT ALL ON DATABASE \"{Database}\" TO {role}");
        await ExecuteAsync($"GRANT USAGE ON SCHEMA {Store.Schema} TO {role}; GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA {Store.Schema} TO {role}");
        var builder = new NpgsqlConnectionStringBuilder(Server.ConnectionString(Database)) { Username = role, Password = password, Pooling = true, Timeout = 5 };
        return (NpgsqlDataSource.Create(builder.ConnectionString), role);
    }

    public Task ExecuteAsync(string sql) => Server.ExecuteAsync(sql, Database);

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString(Database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Terminates this database's backends whose application_name is <paramref name="applicationName"/>; returns how many.</summary>
    public async Task<int> TerminateAsync(string applicationName)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString(Database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2",
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = Database });
        command.Parameters.Add(new NpgsqlParameter { Value = applicationName });
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync() => await DataSource.DisposeAsync();
}
