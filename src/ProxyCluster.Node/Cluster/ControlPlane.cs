using Microsoft.Extensions.Logging;
using Npgsql;
using ProxyCluster.Control;
using ProxyCluster.Control.Journal;
using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Node.Cluster;

/// <summary>
/// This node's side of the control store: appends token events for the admin API and answers once its own
/// replica has applied them, and loads the journal before the node takes its first connection.
/// </summary>
public sealed partial class ControlPlane : IAsyncDisposable
{
    /// <summary>How long an answer waits for this node's replica to apply the event it just committed.</summary>
    private static readonly TimeSpan ApplyWait = TimeSpan.FromSeconds(5);

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;

    public ControlPlane(NpgsqlDataSource dataSource, string schema, TokenReplica replica, JournalReplicationOptions replication, ILoggerFactory logging)
    {
        _dataSource = dataSource;
        _logger = logging.CreateLogger<ControlPlane>();
        Store = new ControlStore(dataSource, schema);
        Journal = new TokenJournal(Store);
        Replica = replica;
        Replication = new JournalReplication(Store, replica, replication, logging.CreateLogger<JournalReplication>());
    }

    public ControlStore Store { get; }

    public TokenJournal Journal { get; }

    public TokenReplica Replica { get; }

    public JournalReplication Replication { get; }

    /// <summary>This node's membership, once it has joined (after its listeners are bound).</summary>
    public Control.Membership.NodeMembership? Membership { get; internal set; }

    /// <summary>
    /// Migrates the schema and loads the whole journal into the replica, retrying while the store cannot be reached
    /// (it may start after the node); fails after <paramref name="timeout"/> with the store's last error.
    /// </summary>
    public async Task LoadAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await Store.MigrateAsync(cancellationToken).ConfigureAwait(false);
                Replica.Reset(await Journal.ReadAllAsync(cancellationToken).ConfigureAwait(false));
                LogLoaded(_logger, Store.Endpoint, Replica.States.Count, Replica.Position);
                return;
            }
            catch (ControlStoreUnavailableException exception) when (DateTime.UtcNow + delay < deadline)
            {
                LogWaiting(_logger, Store.Endpoint, exception.Message);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    /// <summary>Appends one event and waits until this node's replica has applied it.</summary>
    public async Task<AppendOutcome> AppendAsync(TokenAppend append, CancellationToken cancellationToken)
    {
        AppendResult result;
        try
        {
            result = await Journal.AppendAsync(append, cancellationToken).ConfigureAwait(false);
        }
        catch (ControlStoreUnavailableException exception)
        {
            return new AppendOutcome.Unavailable(exception.OutcomeUnknown
                ? $"{exception.Message} while committing: the change may or may not have been made; look before retrying (proxyctl token show {append.TokenId})"
                : $"{exception.Message}; nothing was changed");
        }

        if (!result.IsAppended)
        {
            return result.Refusal switch
            {
                AppendRefusal.NotFound => new AppendOutcome.Refused(RefusalKind.NotFound, result.Reason),
                AppendRefusal.AlreadyRevoked => new AppendOutcome.Refused(RefusalKind.AlreadyRevoked, result.Reason),
                AppendRefusal.Invalid => new AppendOutcome.Invalid(result.Reason),
                _ => new AppendOutcome.Refused(RefusalKind.Conflict, result.Reason),
            };
        }

        var appended = result.Event;
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            wait.CancelAfter(ApplyWait);
            try
            {
                await Replication.WaitForPositionAsync(appended.Ordering, wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Committed, but this node's replica is behind (its LISTEN connection is down): the event holds
                // in the store and reaches every replica when it reconnects. Answer with the state it leads to.
                LogApplyLate(_logger, appended.Ordering);
            }
        }

        Replica.States.TryGetValue(appended.TokenId, out var state);
        if (state is not null && state.Seq >= appended.Seq)
        {
            return new AppendOutcome.Applied(state, appended.Ordering);
        }

        if (state?.Seq == appended.Seq - 1 || (state is null && appended.Seq == 1))
        {
            return new AppendOutcome.Applied(TokenFold.Apply(state, appended), appended.Ordering);
        }

        return new AppendOutcome.Committed($"committed at journal position {appended.Ordering}, but this node's replica is behind and cannot show the result yet");
    }

    public ValueTask DisposeAsync()
    {
        Replication.Dispose();
        return _dataSource.DisposeAsync();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "control store {Endpoint}: journal loaded, {Tokens} tokens up to position {Position}")]
    private static partial void LogLoaded(ILogger logger, string endpoint, int tokens, long position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "control store {Endpoint} not reachable yet, retrying: {Error}")]
    private static partial void LogWaiting(ILogger logger, string endpoint, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "journal event {Ordering} is committed but this node's replica has not applied it yet")]
    private static partial void LogApplyLate(ILogger logger, long ordering);
}
