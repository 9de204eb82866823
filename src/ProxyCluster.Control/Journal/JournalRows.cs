using Npgsql;
using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Control.Journal;

/// <summary>Reads journal rows into <see cref="TokenEvent"/>s; shared by the writer and the replication loop.</summary>
internal static class JournalRows
{
    public const string Columns = "ordering, token_id, seq, event_type, payload::text, at, actor, reason";

    public static async Task<List<TokenEvent>> ReadAfterAsync(
        ControlStore store,
        NpgsqlConnection connection,
        long position,
        int limit,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM {store.Table("token_events")} WHERE ordering > $1 ORDER BY ordering LIMIT $2",
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = position });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<List<TokenEvent>> ReadAllAsync(ControlStore store, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM {store.Table("token_events")} ORDER BY ordering", connection);
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every remaining row of the reader's current result.</summary>
    public static async Task<List<TokenEvent>> ReadRowsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var events = new List<TokenEvent>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(Read(reader));
        }

        return events;
    }

    public static async Task<List<TokenEvent>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            return await ReadRowsAsync(reader, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One row in <see cref="Columns"/> order; a row that does not decode is a <see cref="TokenJournalException"/>.</summary>
    public static TokenEvent Read(NpgsqlDataReader reader)
    {
        var ordering = reader.GetInt64(0);
        var typeName = reader.GetString(3);
        if (!TokenEventTypeNames.TryParse(typeName, out var type))
        {
            throw new TokenJournalException($"journal entry {ordering}: unknown event type '{typeName}'");
        }

        TokenEventPayload payload;
        try
        {
            payload = TokenEventJson.Deserialize(reader.GetString(4));
        }
        catch (FormatException e)
        {
            throw new TokenJournalException($"journal entry {ordering}: {e.Message}");
        }

        return new TokenEvent(
            ordering,
            reader.GetString(1),
            reader.GetInt32(2),
            type,
            reader.GetFieldValue<DateTimeOffset>(5),
            reader.GetString(6),
            reader.IsDBNull(7) ? null : reader.GetString(7),
            payload);
    }
}
