using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Frontend;
using ProxyCluster.Sessions.Lifecycle;
using ProxyCluster.Sessions.Policy;
using ProxyCluster.Sessions.Relay;
using ProxyCluster.Sessions.Upstream;

namespace ProxyCluster.Sessions;

/// <summary>
/// The relay phase of a session: one pump per direction and the session's mailbox, run until one of them ends the
/// session. Whoever ends it, both pumps are stopped at their next await before anything else is written, so a
/// goodbye error never lands in the middle of a message.
/// </summary>
internal sealed class SessionRelay
{
    private readonly SessionServices _services;
    private readonly ClientConnection _client;
    private readonly UpstreamConnection _upstream;
    private readonly SessionHandle _handle;
    private readonly RelayPump _toServer;
    private readonly RelayPump _toClient;
    private readonly BackendInspector _backend;
    private bool _clientSentTerminate;

    /// <summary>Drained at an idle point: nothing runs upstream, so there is nothing to cancel.</summary>
    private bool _drainedIdle;

    public SessionRelay(SessionServices services, ClientConnection client, UpstreamConnection upstream, SessionHandle handle, IStatementGate? gate, Audit.StatementLedger? ledger = null)
    {
        _services = services;
        _client = client;
        _upstream = upstream;
        _handle = handle;
        var maxMessage = services.Limits.MaxMessageLength;
        var markers = new DenialMarkers();
        var frontend = new FrontendInspector(gate, markers, services.Limits.MaxInspectedMessageLength, ledger, upstream.Route.AuditParameterValues);
        _toServer = new RelayPump(client.Transport.Input, upstream.Output, frontend, maxMessage);
        var serverBound = _toServer;
        _backend = new BackendInspector(markers, ledger, () => serverBound.BytesForwarded);
        _toClient = new RelayPump(upstream.Input, client.Transport.Output, _backend, maxMessage);
    }

    public long BytesToServer => _toServer.BytesForwarded;

    public long BytesToClient => _toClient.BytesForwarded;

    /// <summary>Relays until the session ends; returns why, for the log.</summary>
    public async Task<string> RunAsync(CancellationToken connectionClosed)
    {
        var reason = await RelayAsync(connectionClosed).ConfigureAwait(false);
        if (!_clientSentTerminate && !_drainedIdle)
        {
            await CancelRunningStatementAsync().ConfigureAwait(false);
        }

        await TerminateUpstreamAsync().ConfigureAwait(false);
        return reason;
    }

    /// <summary>
    /// A session that ends without the client's Terminate (cut by a revocation or an operator, or a client that
    /// vanished) may be in the middle of a statement. The server reads our Terminate only after the statement,
    /// so it would run it to the end, holding a backend and its locks. A cancel request stops it; with nothing
    /// running the server ignores it. One short connection to the server, only on this path.
    /// </summary>
    private async Task CancelRunningStatementAsync()
    {
        using var timeout = new CancellationTokenSource(_services.Limits.CancelTimeout);
        try
        {
            await _services.Upstream.CancelAsync(_upstream.Route, _upstream.CancelKey, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            // The server is unreachable; the statement ends when its backend notices the closed connection.
        }
    }

    /// <summary>
    /// Ends the server session the way a client does, with Terminate, so PostgreSQL does not log an unexpected EOF.
    /// Skipped when the client's own Terminate was forwarded, or when a message to the server was cut off midway.
    /// </summary>
    private async Task TerminateUpstreamAsync()
    {
        if (_clientSentTerminate || !_toServer.IsAtMessageBoundary)
        {
            return;
        }

        try
        {
            FrontendMessages.WriteTerminate(_upstream.Output);
            using var timeout = new CancellationTokenSource(_services.Limits.GoodbyeTimeout);
            await _upstream.Output.FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or InvalidOperationException
            or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            // The server is gone already; nothing to tell it.
        }
    }

    private async Task<string> RelayAsync(CancellationToken connectionClosed)
    {
        // The greeting is still unflushed in the client pipe; the first pass of the server-side pump would flush
        // it only once the server says something, so flush it now.
        await _client.Transport.Output.FlushAsync(connectionClosed).ConfigureAwait(false);

        using var stopMailbox = CancellationTokenSource.CreateLinkedTokenSource(connectionClosed);
        var toServer = _toServer.RunAsync(connectionClosed);
        var toClient = _toClient.RunAsync(connectionClosed);
        var command = _handle.Mailbox.ReadAsync(stopMailbox.Token).AsTask();

        var first = await Task.WhenAny(toServer, toClient, command).ConfigureAwait(false);
        DrainSession? drain = null;
        var drainNow = false;
        while (first == command && command.IsCompletedSuccessfully && command.Result is DrainSession asked)
        {
            // Ask first, then look: a ReadyForQuery between the two either stops the pump or is seen as idle here.
            drain = asked;
            _backend.StopWhenIdle();
            if (_backend.IsIdle)
            {
                drainNow = true;
                break;
            }

            command = _handle.Mailbox.ReadAsync(stopMailbox.Token).AsTask();
            first = await Task.WhenAny(toServer, toClient, command).ConfigureAwait(false);
        }

        await stopMailbox.CancelAsync().ConfigureAwait(false);
        _toServer.Stop();
        _toClient.Stop();
        var serverSide = await Outcome(toServer).ConfigureAwait(false);
        _clientSentTerminate = serverSide.Outcome == RelayOutcome.Stopped;
        var clientSide = await Outcome(toClient).ConfigureAwait(false);

        // The client's connection is gone: both pumps failed with OperationCanceledException, in whichever order, so
        // neither the client nor the upstream is to blame and no one is left to say goodbye to.
        if (connectionClosed.IsCancellationRequested)
        {
            return "client connection closed";
        }

        if (first == command && command.IsCompletedSuccessfully && command.Result is TerminateSession terminate)
        {
            await SayGoodbyeAsync(terminate.Error).ConfigureAwait(false);
            return terminate.Reason;
        }

        if (drain is not null && (drainNow || (first == toClient && _backend.StoppedForDrain)))
        {
            _drainedIdle = true;
            await SayGoodbyeAsync(drain.Error).ConfigureAwait(false);
            return drain.Reason;
        }

        if (first == toServer)
        {
            return serverSide.Fault switch
            {
                ProtocolViolationException violation => await FailAsync(PostgresError.Fatal(violation.SqlState, violation.Message)).ConfigureAwait(false),
                not null => $"client connection lost ({serverSide.Fault.GetType().Name})",
                _ => serverSide.Outcome switch
                {
                    RelayOutcome.Stopped => "client sent Terminate",
                    RelayOutcome.DestinationClosed => await UpstreamLostAsync().ConfigureAwait(false),
                    _ => "client closed the connection",
                },
            };
        }

        return clientSide.Fault switch
        {
            ProtocolViolationException violation => await FailAsync(PostgresError.Fatal(SqlState.ProtocolViolation, $"invalid message from upstream server: {violation.Message}")).ConfigureAwait(false),
            not null when clientSide.Outcome != RelayOutcome.DestinationClosed => await UpstreamLostAsync().ConfigureAwait(false),
            _ => clientSide.Outcome switch
            {
                RelayOutcome.DestinationClosed => "client stopped reading",
                RelayOutcome.Stopped => $"server setting {_backend.PinnedSettingChanged} changed",
                _ => "upstream server closed the connection",
            },
        };
    }

    private async Task<string> UpstreamLostAsync()
    {
        await SayGoodbyeAsync(PostgresError.Fatal(SqlState.ConnectionFailure, $"lost connection to upstream server for {_upstream.Route}")).ConfigureAwait(false);
        return "upstream connection lost";
    }

    private async Task<string> FailAsync(PostgresError error)
    {
        await SayGoodbyeAsync(error).ConfigureAwait(false);
        return error.Message;
    }

    /// <summary>A FATAL for the client, but only where it cannot cut a relayed message in half.</summary>
    private async Task SayGoodbyeAsync(PostgresError error)
    {
        if (_toClient.IsAtMessageBoundary)
        {
            await ClientGoodbye.SendAsync(_client.Transport.Output, error, _services.Limits.GoodbyeTimeout).ConfigureAwait(false);
        }
    }

    private static async Task<(RelayOutcome Outcome, Exception? Fault)> Outcome(Task<RelayOutcome> pump)
    {
        try
        {
            return (await pump.ConfigureAwait(false), null);
        }
        catch (Exception exception)
        {
            return (RelayOutcome.Canceled, exception);
        }
    }
}
