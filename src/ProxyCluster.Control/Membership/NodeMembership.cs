using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace ProxyCluster.Control.Membership;

/// <summary>
/// This node's row in the nodes table: upserted at start (<c>started_at = now()</c>, <c>stopped_at = null</c>),
/// refreshed every <see cref="NodeMembershipOptions.HeartbeatInterval"/> with the journal position, marked
/// stopped on a clean stop. Failures are logged once per outage and retried on the next beat; they never stop the
/// node. A row that vanished (an operator cleaned up) is registered again.
/// </summary>
public sealed partial class NodeMembership : BackgroundService
{
    private readonly ControlStore _store;
    private readonly Func<long> _journalPosition;
    private readonly NodeMembershipOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private bool _registered;
    private readonly ControlStoreLink _link;
    private long _journalHead;

    public NodeMembership(
        ControlStore store,
        NodeRegistration registration,
        Func<long> journalPosition,
        NodeMembershipOptions options,
        ILogger<NodeMembership> logger,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentException.ThrowIfNullOrWhiteSpace(registration.NodeId, nameof(registration));
        ArgumentNullException.ThrowIfNull(registration.PostgresAddresses, nameof(registration));
        ArgumentException.ThrowIfNullOrWhiteSpace(registration.Version, nameof(registration));
        ArgumentNullException.ThrowIfNull(journalPosition);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.HeartbeatInterval, TimeSpan.Zero, nameof(options));
        _store = store;
        Registration = registration;
        _journalPosition = journalPosition;
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _link = new ControlStoreLink(_time);
    }

    public NodeRegistration Registration { get; }

    /// <summary>True after the last beat reached the store.</summary>
    public bool IsConnected => _link.IsConnected;

    /// <summary>What went wrong in the current outage; null while connected.</summary>
    public string? LastError => _link.LastError;

    /// <summary>The journal's last position as of the last heartbeat (0 before one); with this node's own, the replication lag.</summary>
    public long JournalHead => Volatile.Read(ref _journalHead);

    /// <summary>Sets <c>stopped_at</c> after the heartbeat loop has ended, within the host's shutdown timeout.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var rows = await ExecuteAsync(
                $"UPDATE {_store.Table("nodes")} SET stopped_at = now(), last_heartbeat = now(), journal_position = $2 WHERE node_id = $1",
                cancellationToken,
                Parameter(Registration.NodeId),
                Parameter(_journalPosition())).ConfigureAwait(false);
            LogStopped(_logger, Registration.NodeId, rows > 0);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogStopFailed(_logger, Registration.NodeId, ControlStoreErrors.Describe(e));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await BeatAsync(stoppingToken).ConfigureAwait(false);
            using var timer = new PeriodicTimer(_options.HeartbeatInterval, _time);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await BeatAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; StopAsync marks the row.
        }
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!_registered || !await HeartbeatAsync(cancellationToken).ConfigureAwait(false))
            {
                await RegisterAsync(cancellationToken).ConfigureAwait(false);
            }

            if (!_link.IsConnected)
            {
                if (_link.Recovered() is not null)
                {
                    LogBack(_logger, Registration.NodeId, _store.Endpoint);
                }

                _link.Connected();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var message = ControlStoreErrors.Describe(e);
            if (_link.Failed(message))
            {
                LogHeartbeatFailed(_logger, Registration.NodeId, message);
            }
            else
            {
                LogStillFailing(_logger, Registration.NodeId, message);
            }
        }
    }

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        await ExecuteAsync(
            $"""
            INSERT INTO {_store.Table("nodes")}
                (node_id, ordinal, postgres_addresses, admin_url, version, started_at, last_heartbeat, stopped_at, journal_position)
            VALUES ($1, $2, $3, $4, $5, now(), now(), NULL, $6)
            ON CONFLICT (node_id) DO UPDATE SET
                ordinal = excluded.ordinal, postgres_addresses = excluded.postgres_addresses, admin_url = excluded.admin_url,
                version = excluded.version, started_at = excluded.started_at, last_heartbeat = excluded.last_heartbeat,
                stopped_at = NULL, journal_position = excluded.journal_position
            """,
            cancellationToken,
            Parameter(Registration.NodeId),
            Parameter(Registration.Ordinal),
            new NpgsqlParameter { Value = Registration.PostgresAddresses.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            new NpgsqlParameter { Value = (object?)Registration.AdminUrl ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
            Parameter(Registration.Version),
            Parameter(_journalPosition())).ConfigureAwait(false);
        _registered = true;
        LogRegistered(_logger, Registration.NodeId, Registration.Ordinal, _store.Endpoint);
    }

    /// <summary>
    /// False when the row is gone, so the caller registers again. The same round trip reads the journal's head, so
    /// the node can report how far behind its replica is.
    /// </summary>
    private async Task<bool> HeartbeatAsync(CancellationToken cancellationToken)
    {
        var head = await RunAsync(
            $"""
            UPDATE {_store.Table("nodes")} SET last_heartbeat = now(), journal_position = $2 WHERE node_id = $1
            RETURNING (SELECT coalesce(max(ordering), 0) FROM {_store.Table("token_events")})
            """,
            static (command, token) => command.ExecuteScalarAsync(token),
            cancellationToken,
            Parameter(Registration.NodeId),
            Parameter(_journalPosition())).ConfigureAwait(false);
        if (head is long position)
        {
            Volatile.Write(ref _journalHead, position);
            return true;
        }

        return false;
    }

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters) =>
        (int)(await RunAsync(sql, static async (command, token) => (object?)await command.ExecuteNonQueryAsync(token).ConfigureAwait(false), cancellationToken, parameters).ConfigureAwait(false))!;

    private async Task<object?> RunAsync(string sql, Func<NpgsqlCommand, CancellationToken, Task<object?>> run, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        try
        {
            var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await using var command = new NpgsqlCommand(sql, connection);
                command.Parameters.AddRange(parameters);
                return await run(command, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (ControlStoreErrors.IsUnavailable(e, cancellationToken))
        {
            throw _store.Unavailable(e);
        }
    }

    private static NpgsqlParameter Parameter(object value) => new() { Value = value };

    [LoggerMessage(Level = LogLevel.Information, Message = "node {NodeId} (ordinal {Ordinal}) registered in the control store at {Endpoint}")]
    private static partial void LogRegistered(ILogger logger, string nodeId, int ordinal, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "node {NodeId} cannot heartbeat: {Error}; retrying every interval")]
    private static partial void LogHeartbeatFailed(ILogger logger, string nodeId, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "node {NodeId} still cannot heartbeat: {Error}")]
    private static partial void LogStillFailing(ILogger logger, string nodeId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "node {NodeId} heartbeats to the control store at {Endpoint} again")]
    private static partial void LogBack(ILogger logger, string nodeId, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "node {NodeId} marked stopped in the control store (row found: {Found})")]
    private static partial void LogStopped(ILogger logger, string nodeId, bool found);

    [LoggerMessage(Level = LogLevel.Warning, Message = "node {NodeId} could not mark itself stopped: {Error}; it will show as unreachable")]
    private static partial void LogStopFailed(ILogger logger, string nodeId, string error);
}
