using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Control.Journal;

/// <summary>
/// Keeps the node's <see cref="TokenReplica"/> equal to the journal (CONTROL.md, "The replica on every node"):
/// LISTEN on a dedicated connection first, then read every event after the replica's position, then read again on
/// every notification (the payload is only a hint) or after <see cref="JournalReplicationOptions.PollInterval"/>
/// without one. Any failure drops the connection, marks the store unreachable and keeps serving the last applied
/// state (fail-static) while it reconnects with backoff; a missed event rebuilds the replica from the whole journal.
/// The replica is written by this loop only.
/// </summary>
public sealed partial class JournalReplication : BackgroundService
{
    private readonly ControlStore _store;
    private readonly TokenReplica _replica;
    private readonly JournalReplicationOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource _initialLoad = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ControlStoreLink _link;
    private int _notified;

    public JournalReplication(
        ControlStore store,
        TokenReplica replica,
        JournalReplicationOptions options,
        ILogger<JournalReplication> logger,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(replica);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.PollInterval, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.InitialBackoff, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBackoff, options.InitialBackoff, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize, nameof(options));
        _store = store;
        _replica = replica;
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _link = new ControlStoreLink(_time);
    }

    /// <summary>
    /// Raised on the replication loop after each event the replica applied (never twice for one ordering), e.g. so
    /// the host can tell sessions that a token's policy changed. Not raised for the events of a rebuild.
    /// </summary>
    public event Action<TokenEvent>? EventApplied;

    /// <summary>Raised after the replica was rebuilt from the whole journal (a missed event); re-check everything.</summary>
    public event Action? Rebuilt;

    /// <summary>True while the LISTEN connection is up and the replica has caught up on it.</summary>
    public bool IsConnected => _link.IsConnected;

    /// <summary>What went wrong in the current outage; null while connected.</summary>
    public string? LastError => _link.LastError;

    /// <summary>Completes after the first successful catch-up (the node may then serve); cancelled if the service stops first.</summary>
    public Task InitialLoad => _initialLoad.Task;

    /// <summary>The ordering of the last event the replica applied.</summary>
    public long Position => _replica.Position;

    /// <summary>Completes once the replica has applied <paramref name="ordering"/> (so a node's answer holds on that node).</summary>
    public async Task WaitForPositionAsync(long ordering, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Take the signal before looking at the position: an advance in between completes this very signal.
            var advanced = Volatile.Read(ref _advanced).Task;
            if (_replica.Position >= ordering)
            {
                return;
            }

            await advanced.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = _options.InitialBackoff;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await FollowAsync(() => backoff = _options.InitialBackoff, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    OnFailure(e, backoff);
                    await Task.Delay(backoff, _time, stoppingToken).ConfigureAwait(false);
                    backoff = backoff * 2 < _options.MaxBackoff ? backoff * 2 : _options.MaxBackoff;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping during a backoff delay.
        }
        finally
        {
            _link.Disconnected();
            _initialLoad.TrySetCanceled(stoppingToken);
        }
    }

    /// <summary>Steps 1–3 on one connection; returns only by an exception (a failure, or the stop).</summary>
    private async Task FollowAsync(Action onConnected, CancellationToken cancellationToken)
    {
        var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            connection.Notification += OnNotification;
            await ListenAsync(connection, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                // Clear before reading: a notification that arrives during the read (raised by Npgsql while it reads
                // the result) sets the flag again and the next turn reads without waiting.
                Interlocked.Exchange(ref _notified, 0);
                await CatchUpAsync(connection, cancellationToken).ConfigureAwait(false);
                if (!_link.IsConnected)
                {
                    OnConnected();
                    onConnected();
                }

                if (Volatile.Read(ref _notified) == 0)
                {
                    await connection.WaitAsync(_options.PollInterval, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>LISTEN before the catch-up read, so nothing committed in between can be missed.</summary>
    private async Task ListenAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        var name = new NpgsqlBatchCommand("SELECT set_config('application_name', $1, false)");
        name.Parameters.Add(new NpgsqlParameter { Value = _options.ApplicationName });
        batch.BatchCommands.Add(name);

        // The channel derives from the validated schema name; quoted, it is taken literally.
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"LISTEN \"{_store.NotifyChannel}\""));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task CatchUpAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        while (true)
        {
            var events = await JournalRows.ReadAfterAsync(_store, connection, _replica.Position, _options.BatchSize, cancellationToken).ConfigureAwait(false);
            try
            {
                foreach (var e in events)
                {
                    Apply(e);
                }
            }
            catch (TokenJournalException missed)
            {
                LogRebuilding(_logger, missed.Message);
                await RebuildAsync(connection, cancellationToken).ConfigureAwait(false);
                continue; // anything committed while we rebuilt is read on the next turn
            }
            finally
            {
                if (events.Count > 0)
                {
                    SignalAdvanced();
                }
            }

            if (events.Count < _options.BatchSize)
            {
                return;
            }
        }
    }

    private void Apply(TokenEvent e)
    {
        bool applied;
        try
        {
            applied = _replica.Apply(e);
        }
        catch (Exception handler) when (handler is not TokenJournalException)
        {
            // A TokenEnded handler threw after the state changed: the event is applied; the loop must go on.
            LogHandlerFailed(_logger, e.Ordering, handler);
            applied = _replica.Position >= e.Ordering;
        }

        if (applied && EventApplied is { } observers)
        {
            try
            {
                observers(e);
            }
            catch (Exception handler)
            {
                LogHandlerFailed(_logger, e.Ordering, handler);
            }
        }
    }

    private async Task RebuildAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var all = await JournalRows.ReadAllAsync(_store, connection, cancellationToken).ConfigureAwait(false);
        try
        {
            _replica.Reset(all);
        }
        catch (Exception handler) when (handler is not TokenJournalException)
        {
            LogHandlerFailed(_logger, _replica.Position, handler);
        }

        SignalAdvanced();
        LogRebuilt(_logger, all.Count, _replica.Position);
        try
        {
            Rebuilt?.Invoke();
        }
        catch (Exception handler)
        {
            LogHandlerFailed(_logger, _replica.Position, handler);
        }
    }

    private void SignalAdvanced() =>
        Interlocked.Exchange(ref _advanced, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private void OnNotification(object sender, NpgsqlNotificationEventArgs args) => Volatile.Write(ref _notified, 1);

    private void OnConnected()
    {
        // Log first, then publish: whoever sees IsConnected or InitialLoad also finds the line in the log.
        if (_link.Recovered() is { } outage)
        {
            LogReachableAgain(_logger, _store.Endpoint, outage.TotalSeconds, _replica.Position);
        }

        if (!_initialLoad.Task.IsCompleted)
        {
            LogLoaded(_logger, _store.Endpoint, _replica.Position);
        }

        _link.Connected();
        _initialLoad.TrySetResult();
    }

    /// <summary>Step 4: fail-static. Logged once when an outage starts; retries only at debug level.</summary>
    private void OnFailure(Exception e, TimeSpan retryIn)
    {
        var message = e is ControlStoreUnavailableException ? e.Message : $"the control store at {_store.Endpoint}: {ControlStoreErrors.Describe(e)}";
        if (_link.Failed(message))
        {
            if (ControlStoreErrors.IsUnavailable(e, CancellationToken.None))
            {
                LogUnreachable(_logger, message, _replica.Position);
            }
            else
            {
                LogFailed(_logger, _replica.Position, e);
            }
        }
        else
        {
            LogRetryFailed(_logger, message, (long)retryIn.TotalMilliseconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "token journal loaded from {Endpoint}: position {Position}")]
    private static partial void LogLoaded(ILogger logger, string endpoint, long position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Error}; serving the last replicated token state (position {Position}) until it is back")]
    private static partial void LogUnreachable(ILogger logger, string error, long position);

    [LoggerMessage(Level = LogLevel.Error, Message = "following the token journal failed; serving the last replicated token state (position {Position}) and retrying")]
    private static partial void LogFailed(ILogger logger, long position, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "still unable to follow the token journal: {Error}; next attempt in {DelayMs} ms")]
    private static partial void LogRetryFailed(ILogger logger, string error, long delayMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "the control store at {Endpoint} is reachable again after {Seconds:F1} s; token journal at position {Position}")]
    private static partial void LogReachableAgain(ILogger logger, string endpoint, double seconds, long position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the token replica missed a journal event ({Reason}); rebuilding it from the whole journal")]
    private static partial void LogRebuilding(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "token replica rebuilt from {Events} journal events: position {Position}")]
    private static partial void LogRebuilt(ILogger logger, int events, long position);

    [LoggerMessage(Level = LogLevel.Error, Message = "a handler of journal event {Ordering} failed; the event is applied")]
    private static partial void LogHandlerFailed(ILogger logger, long ordering, Exception exception);
}
