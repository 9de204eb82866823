using Npgsql;
using NpgsqlTypes;
using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Control.Journal;

/// <summary>
/// The writer and reader of the token journal. An append is one transaction: take the journal's advisory lock,
/// read and fold the token's events, ask <see cref="TokenFold"/> whether the new event may follow, insert it with
/// <c>seq = last + 1</c>, notify the journal channel, commit. The lock is held until commit, and PostgreSQL makes
/// a transaction visible before it releases its locks, so orderings become visible in increasing order and a
/// reader of <c>ordering &gt; N</c> never skips one. Refusals are values; an unreachable store is a
/// <see cref="ControlStoreUnavailableException"/>.
/// </summary>
public sealed class TokenJournal
{
    private readonly ControlStore _store;

    public TokenJournal(ControlStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>Appends the event if the token's state allows it, or says why not.</summary>
    public async Task<AppendResult> AppendAsync(TokenAppend request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.TokenId, nameof(request));
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Actor, nameof(request));
        ArgumentNullException.ThrowIfNull(request.Payload, nameof(request));
        var payloadJson = TokenEventJson.Serialize(request.Payload);
        try
        {
            var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var (now, history) = await LockAndReadAsync(connection, transaction, request.TokenId, cancellationToken).ConfigureAwait(false);
                    TokenState? current = null;
                    foreach (var past in history)
                    {
                        current = TokenFold.Apply(current, past);
                    }

                    var candidate = new TokenEvent(0, request.TokenId, (current?.Seq ?? 0) + 1, request.Type, now, request.Actor, request.Reason, request.Payload);
                    if (Refuse(current, candidate) is { } refused)
                    {
                        return refused; // disposing the transaction rolls it back and releases the lock
                    }

                    var ordering = await InsertAndNotifyAsync(connection, transaction, candidate, payloadJson, cancellationToken).ConfigureAwait(false);
                    try
                    {
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (ControlStoreErrors.IsUnavailable(e, cancellationToken))
                    {
                        throw new ControlStoreUnavailableException(_store.Endpoint, e) { OutcomeUnknown = true };
                    }

                    return AppendResult.Appended(candidate with { Ordering = ordering });
                }
            }
        }
        catch (Exception e) when (ControlStoreErrors.IsUnavailable(e, cancellationToken))
        {
            throw _store.Unavailable(e);
        }
    }

    /// <summary>Up to <paramref name="limit"/> events with <c>ordering &gt; position</c>, in ordering order.</summary>
    public async Task<IReadOnlyList<TokenEvent>> ReadAfterAsync(long position, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        try
        {
            var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                return await JournalRows.ReadAfterAsync(_store, connection, position, limit, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (ControlStoreErrors.IsUnavailable(e, cancellationToken))
        {
            throw _store.Unavailable(e);
        }
    }

    /// <summary>The whole journal in ordering order, for a rebuild.</summary>
    public async Task<IReadOnlyList<TokenEvent>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                return await JournalRows.ReadAllAsync(_store, connection, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (ControlStoreErrors.IsUnavailable(e, cancellationToken))
        {
            throw _store.Unavailable(e);
        }
    }

    /// <summary>
    /// The refusal for <paramref name="candidate"/>, or null when it may be appended. Besides <see cref="TokenFold.Check"/>,
    /// the candidate is folded for real: an event no replica could apply must never reach the journal, or every
    /// replica would rebuild on it forever.
    /// </summary>
    private static AppendResult? Refuse(TokenState? current, TokenEvent candidate)
    {
        if (TokenFold.Check(current, candidate.Type, candidate.Payload) is { } reason)
        {
            var refusal = (current?.Status, candidate.Type) switch
            {
                (null, _) => AppendRefusal.NotFound,
                (TokenStatus.Revoked, TokenEventType.Revoked) => AppendRefusal.AlreadyRevoked,
                _ => AppendRefusal.Conflict,
            };
            return AppendResult.Refused(refusal, reason);
        }

        // An expiry is a fact about the clock, so it may be recorded only once the store's clock has reached it.
        if (candidate.Type == TokenEventType.Expired)
        {
            if (current!.Record.ExpiresAt is not { } expiresAt)
            {
                return AppendResult.Refused(AppendRefusal.Conflict, "the token has no expiry");
            }

            if (expiresAt > candidate.At)
            {
                return AppendResult.Refused(AppendRefusal.Conflict, $"the token does not expire before {expiresAt:O}");
            }
        }

        try
        {
            _ = TokenFold.Apply(current, candidate);
        }
        catch (TokenJournalException e)
        {
            return AppendResult.Refused(AppendRefusal.Invalid, e.Message);
        }

        return null;
    }

    /// <summary>One round trip: the journal lock, the store's clock after it, and the token's events in seq order.</summary>
    private async Task<(DateTimeOffset Now, List<TokenEvent> History)> LockAndReadAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string tokenId,
        CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);

        // clock_timestamp() after the lock, not now() (the transaction's start): events keep their times in ordering order.
        var lockAndClock = new NpgsqlBatchCommand("SELECT clock_timestamp() FROM pg_advisory_xact_lock($1)");
        lockAndClock.Parameters.Add(new NpgsqlParameter { Value = _store.JournalLockKey });
        batch.BatchCommands.Add(lockAndClock);

        var history = new NpgsqlBatchCommand($"SELECT {JournalRows.Columns} FROM {_store.Table("token_events")} WHERE token_id = $1 ORDER BY seq");
        history.Parameters.Add(new NpgsqlParameter { Value = tokenId });
        batch.BatchCommands.Add(history);

        var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException("the journal lock query returned no row");
            }

            var now = reader.GetFieldValue<DateTimeOffset>(0);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            return (now, await JournalRows.ReadRowsAsync(reader, cancellationToken).ConfigureAwait(false));
        }
    }

    private async Task<long> InsertAndNotifyAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        TokenEvent candidate,
        string payloadJson,
        CancellationToken cancellationToken)
    {
        // The notification is delivered at commit, with the ordering as a hint: listeners read from their position anyway.
        await using var command = new NpgsqlCommand(
            $"""
            WITH appended AS (
                INSERT INTO {_store.Table("token_events")} (token_id, seq, event_type, payload, at, actor, reason)
                VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)
                RETURNING ordering)
            SELECT ordering, pg_notify($8, ordering::text) FROM appended
            """,
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = candidate.TokenId });
        command.Parameters.Add(new NpgsqlParameter { Value = candidate.Seq });
        command.Parameters.Add(new NpgsqlParameter { Value = candidate.Type.ToName() });
        command.Parameters.Add(new NpgsqlParameter { Value = payloadJson });
        command.Parameters.Add(new NpgsqlParameter { Value = candidate.At });
        command.Parameters.Add(new NpgsqlParameter { Value = candidate.Actor });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)candidate.Reason ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = _store.NotifyChannel });
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException("the journal insert returned no ordering");
            }

            return reader.GetInt64(0);
        }
    }
}
