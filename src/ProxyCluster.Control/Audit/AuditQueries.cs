using System.Text;
using Npgsql;
using NpgsqlTypes;
using ProxyCluster.Audit;

namespace ProxyCluster.Control.Audit;

/// <summary>
/// Reads the audit trail back (<c>GET /v1/audit</c>, <c>proxyctl audit search|tail</c>). The SQL is put together
/// from fixed fragments, one per filter that is set, so each search can use its index (time, token and time, or the
/// relation keys); every value travels as a parameter.
/// </summary>
public sealed class AuditQueries
{
    private const string Columns =
        "id, at, node_id, session_id, type, event, token_id, principal, auth_method, client_address, database, " +
        "statement_kinds, relations, decision, rule, reason, duration_us, rows, sqlstate, normalized_query, fingerprint, parameters";

    private readonly ControlStore _store;

    public AuditQueries(ControlStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>
    /// The records matching <paramref name="filter"/>: the newest first, or with <see cref="AuditSearch.AfterId"/> the
    /// oldest after it. Throws <see cref="ArgumentException"/> for a filter <see cref="AuditSearch.Validate"/> refuses
    /// and <see cref="ControlStoreUnavailableException"/> when the store cannot be reached.
    /// </summary>
    public async Task<IReadOnlyList<StoredAuditRecord>> SearchAsync(AuditSearch filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.Validate() is { } invalid)
        {
            throw new ArgumentException(invalid, nameof(filter));
        }

        await using var command = BuildCommand(filter);
        try
        {
            var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                command.Connection = connection;
                var records = new List<StoredAuditRecord>(Math.Min(filter.Limit, 256));
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        records.Add(ReadRow(reader));
                    }
                }

                return records;
            }
        }
        catch (Exception e) when (ControlStoreErrors.IsUnavailable(e, cancellationToken))
        {
            throw _store.Unavailable(e);
        }
    }

    private NpgsqlCommand BuildCommand(AuditSearch filter)
    {
        var command = new NpgsqlCommand();
        var where = new List<string>();

        string Parameter(object value, NpgsqlDbType type)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
            return "$" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (filter.TokenId is { } token)
        {
            where.Add($"token_id = {Parameter(token, NpgsqlDbType.Text)}");
        }

        if (filter.Table is { } table)
        {
            // The same expression as the GIN index (0003_audit.sql), so the planner can use it.
            var keys = $"{_store.QuotedSchema}.audit_relation_keys(relations)";
            var dot = table.LastIndexOf('.');
            where.Add(dot < 0
                ? $"{keys} @> ARRAY[lower({Parameter(table, NpgsqlDbType.Text)})]"
                : $"{keys} && ARRAY[lower({Parameter(table, NpgsqlDbType.Text)}), '.' || lower({Parameter(table[(dot + 1)..], NpgsqlDbType.Text)})]");
        }

        if (filter.Decision is { } decision)
        {
            where.Add($"decision = {Parameter(AuditColumns.Name(decision), NpgsqlDbType.Text)}");
        }

        if (filter.Type is { } type)
        {
            where.Add($"type = {Parameter(AuditColumns.Name(type), NpgsqlDbType.Text)}");
        }

        if (filter.Since is { } since)
        {
            where.Add($"at >= {Parameter(since.ToUniversalTime(), NpgsqlDbType.TimestampTz)}");
        }

        if (filter.Until is { } until)
        {
            where.Add($"at < {Parameter(until.ToUniversalTime(), NpgsqlDbType.TimestampTz)}");
        }

        if (filter.AfterId is { } after)
        {
            where.Add($"id > {Parameter(after, NpgsqlDbType.Bigint)}");
        }

        var sql = new StringBuilder($"SELECT {Columns} FROM {_store.Table("audit_records")}");
        if (where.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", where);
        }

        // A follower reads on by id; a search wants the newest events first, and id breaks ties in time.
        sql.Append(filter.AfterId is null ? " ORDER BY at DESC, id DESC" : " ORDER BY id");
        sql.Append(" LIMIT ").Append(Parameter(filter.Limit, NpgsqlDbType.Integer));
        command.CommandText = sql.ToString();
        return command;
    }

    private static StoredAuditRecord ReadRow(NpgsqlDataReader reader)
    {
        var id = reader.GetInt64(0);
        var time = reader.GetFieldValue<DateTimeOffset>(1);
        var nodeId = reader.GetString(2);
        var sessionId = reader.GetString(3);
        var type = reader.GetString(4);
        AuditRecord record = type switch
        {
            AuditColumns.SessionType => new SessionAuditRecord
            {
                Time = time,
                NodeId = nodeId,
                SessionId = sessionId,
                Event = AuditColumns.ParseEvent(RequiredText(reader, 5, id)),
                TokenId = Text(reader, 6),
                Principal = Text(reader, 7),
                AuthMethod = Text(reader, 8) is { } method ? AuditColumns.ParseAuthMethod(method) : null,
                ClientAddress = Text(reader, 9) ?? "",
                Database = Text(reader, 10),
                Reason = Text(reader, 15),
                SqlState = Text(reader, 18),
            },
            AuditColumns.StatementType => new StatementAuditRecord
            {
                Time = time,
                NodeId = nodeId,
                SessionId = sessionId,
                TokenId = Text(reader, 6) ?? "",
                Principal = Text(reader, 7) ?? "",
                ClientAddress = Text(reader, 9) ?? "",
                Database = Text(reader, 10) ?? "",
                StatementKinds = reader.IsDBNull(11) ? [] : reader.GetFieldValue<string[]>(11),
                Relations = reader.IsDBNull(12) ? [] : AuditRelationJson.Parse(reader.GetFieldValue<string>(12)),
                Decision = AuditColumns.ParseDecision(RequiredText(reader, 13, id)),
                Rule = Text(reader, 14),
                Reason = Text(reader, 15),
                DurationMicroseconds = Int64(reader, 16),
                Rows = Int64(reader, 17),
                SqlState = Text(reader, 18),
                NormalizedQuery = Text(reader, 19),
                Fingerprint = Text(reader, 20),
                Parameters = reader.IsDBNull(21) ? null : AuditParameterJson.Parse(reader.GetFieldValue<string>(21)),
            },
            _ => throw new InvalidOperationException($"audit record {id} has an unknown type \"{type}\""),
        };
        return new StoredAuditRecord(id, record);
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static string RequiredText(NpgsqlDataReader reader, int ordinal, long id) =>
        Text(reader, ordinal) ?? throw new InvalidOperationException($"audit record {id} has no {reader.GetName(ordinal)}");

    private static long? Int64(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}
