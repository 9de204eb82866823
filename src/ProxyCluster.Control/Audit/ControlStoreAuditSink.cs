using Npgsql;
using NpgsqlTypes;
using ProxyCluster.Audit;

namespace ProxyCluster.Control.Audit;

/// <summary>
/// Keeps audit records in the control store's <c>audit_records</c> table: each batch is one binary COPY in one
/// transaction, so a batch is stored whole or not at all. An unreachable store throws
/// <see cref="ControlStoreUnavailableException"/>, and the pipeline spills the batch and delivers it later. The
/// rows hold exactly the records' fields: whatever the producer kept out of a record (secrets, literals, raw query
/// text) never reaches the table, and nothing here logs a record.
/// </summary>
public sealed class ControlStoreAuditSink : IAuditSink
{
    public const string SinkName = "control-store";

    private readonly ControlStore _store;
    private readonly string _copy;

    public ControlStoreAuditSink(ControlStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _copy =
            $"COPY {store.Table("audit_records")} (at, node_id, session_id, type, event, token_id, principal, auth_method, " +
            "client_address, database, statement_kinds, relations, decision, rule, reason, duration_us, rows, sqlstate, " +
            "normalized_query, fingerprint, parameters) FROM STDIN (FORMAT BINARY)";
    }

    public string Name => SinkName;

    public async ValueTask WriteAsync(IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    // Writers take ids one batch at a time, so ids become visible in order and followers skip none.
                    await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
                    {
                        command.Parameters.Add(new NpgsqlParameter { Value = _store.AuditLockKey });
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    var importer = await connection.BeginBinaryImportAsync(_copy, cancellationToken).ConfigureAwait(false);
                    await using (importer.ConfigureAwait(false))
                    {
                        for (var i = 0; i < batch.Count; i++)
                        {
                            await WriteRowAsync(importer, batch[i], cancellationToken).ConfigureAwait(false);
                        }

                        // Disposing an importer that was not completed cancels the COPY: nothing of the batch stays.
                        await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (ControlStoreErrors.IsUnavailable(e, cancellationToken))
        {
            throw _store.Unavailable(e);
        }
    }

    private static async Task WriteRowAsync(NpgsqlBinaryImporter importer, AuditRecord record, CancellationToken cancellationToken)
    {
        await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);

        // Npgsql writes timestamptz only from UTC values.
        await importer.WriteAsync(record.Time.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(record.NodeId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(record.SessionId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        switch (record)
        {
            case SessionAuditRecord session:
                await WriteSessionAsync(importer, session, cancellationToken).ConfigureAwait(false);
                break;
            case StatementAuditRecord statement:
                await WriteStatementAsync(importer, statement, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentException($"unknown audit record type {record.GetType().Name}", nameof(record));
        }
    }

    private static async Task WriteSessionAsync(NpgsqlBinaryImporter importer, SessionAuditRecord record, CancellationToken cancellationToken)
    {
        await TextAsync(importer, AuditColumns.SessionType, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, AuditColumns.Name(record.Event), cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, record.TokenId, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, record.Principal, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, record.AuthMethod is { } method ? AuditColumns.Name(method) : null, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, record.ClientAddress, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, record.Database, cancellationToken).ConfigureAwait(false);
        await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false); // statement_kinds
        await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false); // relations
        await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false); // decision
        await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false); // rule
        await TextAsync(importer, record.Reason, cancellationToken).ConfigureAwait(false);
        await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false); // duration_us
        await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false); // rows
        await TextAsync(importer, record.SqlState, cancellationToken).ConfigureAwait(false);
        await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false); // normalized_query
        await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false); // fingerprint
        await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false); // parameters
    }

    private static async Task WriteStatementAsync(NpgsqlBinaryImporter importer, StatementAuditRecord record, CancellationToken cancellationToken)
    {
        await TextAsync(importer, AuditColumns.StatementType, cancellationToken).ConfigureAwait(false);
        await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false); // event
        await TextAsync(importer, record.TokenId, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, record.Principal, cancellationToken).ConfigureAwait(false);
        await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false); // auth_method
        await TextAsync(importer, record.ClientAddress, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, record.Database, cancellationToken).ConfigureAwait(false);
        var kinds = record.StatementKinds as string[] ?? [.. record.StatementKinds];
        await importer.WriteAsync(kinds, NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(AuditRelationJson.ToJson(record.Relations), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, AuditColumns.Name(record.Decision), cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, record.Rule, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, record.Reason, cancellationToken).ConfigureAwait(false);
        await BigintAsync(importer, record.DurationMicroseconds, cancellationToken).ConfigureAwait(false);
        await BigintAsync(importer, record.Rows, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, record.SqlState, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, record.NormalizedQuery, cancellationToken).ConfigureAwait(false);
        await TextAsync(importer, record.Fingerprint, cancellationToken).ConfigureAwait(false);
        if (record.Parameters is { } parameters)
        {
            await importer.WriteAsync(AuditParameterJson.ToJson(parameters), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task TextAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken) =>
        value is null
            ? importer.WriteNullAsync(cancellationToken)
            : importer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

    private static Task BigintAsync(NpgsqlBinaryImporter importer, long? value, CancellationToken cancellationToken) =>
        value is { } number
            ? importer.WriteAsync(number, NpgsqlDbType.Bigint, cancellationToken)
            : importer.WriteNullAsync(cancellationToken);
}
