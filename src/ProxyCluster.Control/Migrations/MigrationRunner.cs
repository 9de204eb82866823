using System.Globalization;
using System.Reflection;
using Npgsql;

namespace ProxyCluster.Control.Migrations;

/// <summary>
/// Creates and upgrades the control schema from the scripts embedded in this assembly. Every transaction first
/// takes the schema's migration advisory lock, so nodes starting together serialize: the first applies a script,
/// the others find it recorded. Each script runs in its own transaction together with its
/// <c>schema_migrations</c> row, so a failed script leaves nothing behind. A store already at a newer version than
/// this node knows is refused with <see cref="ControlStoreVersionException"/>.
/// </summary>
public sealed class MigrationRunner
{
    private const string ResourcePrefix = "ProxyCluster.Control.Migrations.";

    private static readonly IReadOnlyList<Migration> Scripts = LoadScripts();

    private readonly ControlStore _store;

    public MigrationRunner(ControlStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>The newest schema version this node knows.</summary>
    public static int LatestVersion => Scripts[^1].Version;

    /// <summary>Applies every script not recorded yet; throws <see cref="ControlStoreUnavailableException"/> when the store is unreachable.</summary>
    public async Task<MigrationReport> RunAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                return await RunAsync(connection, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (ControlStoreErrors.IsUnavailable(e, cancellationToken))
        {
            throw _store.Unavailable(e);
        }
    }

    private async Task<MigrationReport> RunAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var recorded = await InLockedTransactionAsync(
            connection,
            async transaction =>
            {
                await EnsureBookkeepingAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                return await RecordedVersionsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        var fromVersion = recorded.Count == 0 ? 0 : recorded.Max();
        RefuseNewer(fromVersion);

        var applied = new List<int>();
        foreach (var script in Scripts)
        {
            if (recorded.Contains(script.Version))
            {
                continue;
            }

            var ran = await InLockedTransactionAsync(
                connection,
                async transaction =>
                {
                    // Another node may have applied it since we looked: look again under the lock.
                    var now = await RecordedVersionsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    RefuseNewer(now.Count == 0 ? 0 : now.Max());
                    if (now.Contains(script.Version))
                    {
                        return false;
                    }

                    await ExecuteAsync(connection, transaction, script.For(_store), cancellationToken).ConfigureAwait(false);
                    await using var record = new NpgsqlCommand(
                        $"INSERT INTO {_store.Table("schema_migrations")} (version, name) VALUES ($1, $2)",
                        connection,
                        transaction);
                    record.Parameters.Add(new NpgsqlParameter { Value = script.Version });
                    record.Parameters.Add(new NpgsqlParameter { Value = script.Name });
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    return true;
                },
                cancellationToken).ConfigureAwait(false);
            if (ran)
            {
                applied.Add(script.Version);
            }
        }

        return new MigrationReport(fromVersion, Math.Max(fromVersion, LatestVersion), applied);
    }

    private void RefuseNewer(int recordedVersion)
    {
        if (recordedVersion > LatestVersion)
        {
            throw new ControlStoreVersionException(_store.Schema, recordedVersion, LatestVersion);
        }
    }

    private async Task<T> InLockedTransactionAsync<T>(
        NpgsqlConnection connection,
        Func<NpgsqlTransaction, Task<T>> work,
        CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = _store.MigrationLockKey });
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var result = await work(transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
    }

    private async Task EnsureBookkeepingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // Look before CREATE SCHEMA: IF NOT EXISTS still demands CREATE on the database, which a role that only
        // owns an existing schema lacks.
        bool schemaExists;
        await using (var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", connection, transaction))
        {
            exists.Parameters.Add(new NpgsqlParameter { Value = _store.Schema });
            schemaExists = (bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        if (!schemaExists)
        {
            await ExecuteAsync(connection, transaction, $"CREATE SCHEMA {_store.QuotedSchema}", cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(
            connection,
            transaction,
            $"""
            CREATE TABLE IF NOT EXISTS {_store.Table("schema_migrations")} (
                version    int PRIMARY KEY,
                name       text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """,
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<HashSet<int>> RecordedVersionsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var versions = new HashSet<int>();
        await using var command = new NpgsqlCommand($"SELECT version FROM {_store.Table("schema_migrations")}", connection, transaction);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                versions.Add(reader.GetInt32(0));
            }
        }

        return versions;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static List<Migration> LoadScripts()
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var scripts = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            // NNNN_name.sql
            var file = resource[ResourcePrefix.Length..^".sql".Length];
            var separator = file.IndexOf('_', StringComparison.Ordinal);
            if (separator <= 0 || !int.TryParse(file.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"embedded migration '{resource}' is not named NNNN_name.sql");
            }

            scripts.Add(new Migration(version, file[(separator + 1)..], ReadResource(assembly, resource)));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < scripts.Count; i++)
        {
            if (scripts[i].Version != i + 1)
            {
                throw new InvalidOperationException($"embedded migrations must be numbered 1, 2, 3 … without gaps; found {scripts[i].Version} at place {i + 1}");
            }
        }

        return scripts.Count > 0 ? scripts : throw new InvalidOperationException("no migrations are embedded in ProxyCluster.Control");
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded migration '{resource}' cannot be read");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
