using Npgsql;
using ProxyCluster.Control.Tests.Fixtures;

namespace ProxyCluster.Control.Tests.Audit;

/// <summary>
/// Makes a test's database unreachable on the real server and back: no one (superusers included) may connect while
/// <c>datallowconn</c> is false, and the connections already open are terminated. Opening again fails the way a
/// store that went away does; disposing reopens it.
/// </summary>
internal sealed class StoreBlock : IAsyncDisposable
{
    private readonly TestStore _db;
    private bool _open;

    private StoreBlock(TestStore db) => _db = db;

    public static async Task<StoreBlock> CloseAsync(TestStore db)
    {
        var block = new StoreBlock(db);
        await db.Server.ExecuteAsync($"ALTER DATABASE \"{db.Database}\" ALLOW_CONNECTIONS false");
        await using var connection = new NpgsqlConnection(db.Server.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = db.Database });
        await command.ExecuteScalarAsync();
        return block;
    }

    public async Task OpenAsync()
    {
        if (!_open)
        {
            _open = true;
            await _db.Server.ExecuteAsync($"ALTER DATABASE \"{_db.Database}\" ALLOW_CONNECTIONS true");
        }
    }

    public async ValueTask DisposeAsync() => await OpenAsync();
}
