using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using ProxyCluster.Control.Migrations;

namespace ProxyCluster.Control;

/// <summary>
/// The PostgreSQL schema that holds the token journal, node membership and the audit trail. Holds the caller's
/// <see cref="NpgsqlDataSource"/> (its owner disposes it) and the schema name, which is the only text ever put into
/// SQL: it is validated as a plain lower-case identifier and always quoted. Everything else travels as parameters.
/// </summary>
public sealed class ControlStore
{
    public const string DefaultSchema = "proxycluster";

    /// <summary>PostgreSQL truncates identifiers (channel names included) to NAMEDATALEN - 1 bytes.</summary>
    private const int MaxIdentifierLength = 63;

    public ControlStore(NpgsqlDataSource dataSource, string schema = DefaultSchema)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        if (!IsValidSchemaName(schema))
        {
            throw new ArgumentException(
                $"a control store schema is a plain lower-case identifier ([a-z_][a-z0-9_]{{0,62}}, not pg_*), not '{schema}'",
                nameof(schema));
        }

        DataSource = dataSource;
        Schema = schema;
        QuotedSchema = "\"" + schema + "\"";
        var channel = schema + "_journal";
        NotifyChannel = channel.Length > MaxIdentifierLength ? channel[..MaxIdentifierLength] : channel;
        Endpoint = DescribeEndpoint(dataSource.ConnectionString);
        JournalLockKey = LockKey("journal");
        MigrationLockKey = LockKey("migrations");
        AuditLockKey = LockKey("audit");
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>The schema name as configured (unquoted).</summary>
    public string Schema { get; }

    /// <summary><c>host:port/database</c> of the store, for messages. Never holds a password.</summary>
    public string Endpoint { get; }

    /// <summary>The channel every append notifies (<c>&lt;schema&gt;_journal</c>, cut to 63 bytes as PostgreSQL would).</summary>
    public string NotifyChannel { get; }

    /// <summary>The schema as an SQL identifier, quoted.</summary>
    internal string QuotedSchema { get; }

    /// <summary>The advisory lock every append holds until it commits, so orderings become visible in order.</summary>
    internal long JournalLockKey { get; }

    /// <summary>The advisory lock migrations hold, so nodes starting together apply each script once.</summary>
    internal long MigrationLockKey { get; }

    /// <summary>
    /// The advisory lock every audit batch holds until it commits, so audit ids become visible in increasing order
    /// and a reader following <c>id &gt; N</c> (<c>proxyctl audit tail --follow</c>) never skips a row.
    /// </summary>
    internal long AuditLockKey { get; }

    /// <summary>
    /// True for <c>[a-z_][a-z0-9_]{0,62}</c> that is not reserved by PostgreSQL (<c>pg_*</c>, <c>information_schema</c>).
    /// </summary>
    public static bool IsValidSchemaName(string? schema)
    {
        if (string.IsNullOrEmpty(schema) || schema.Length > MaxIdentifierLength || char.IsAsciiDigit(schema[0]))
        {
            return false;
        }

        foreach (var c in schema)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '_')
            {
                return false;
            }
        }

        return !schema.StartsWith("pg_", StringComparison.Ordinal) && schema != "information_schema";
    }

    /// <summary>Creates or upgrades the schema; see <see cref="MigrationRunner"/>.</summary>
    public Task<MigrationReport> MigrateAsync(CancellationToken cancellationToken = default) =>
        new MigrationRunner(this).RunAsync(cancellationToken);

    /// <summary>The schema-qualified name of one of the store's tables (a constant of ours, never user input).</summary>
    internal string Table(string name) => QuotedSchema + "." + name;

    /// <summary>Opens a connection; any failure to do so means the store is unreachable.</summary>
    internal async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (ControlStoreErrors.IsOpenFailure(e, cancellationToken))
        {
            throw Unavailable(e);
        }
    }

    internal ControlStoreUnavailableException Unavailable(Exception cause) =>
        cause as ControlStoreUnavailableException ?? new ControlStoreUnavailableException(Endpoint, cause);

    private long LockKey(string purpose)
    {
        // Stable across processes and .NET versions (string.GetHashCode is not), so every node takes the same lock.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("proxycluster:" + purpose + ":" + Schema));
        return BinaryPrimitives.ReadInt64BigEndian(hash);
    }

    private static string DescribeEndpoint(string connectionString)
    {
        // Only these three fields are copied out, so no password can reach a message.
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host ?? "localhost"}:{builder.Port}/{builder.Database ?? builder.Username ?? "?"}";
    }
}
