using ProxyCluster.Protocol.Errors;
using ProxyCluster.Sessions.Lifecycle;
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

    public SessionRelay(SessionServices services, ClientConnection client, UpstreamConnection upstream, SessionHandle handle)
    {
        _services = services;
        _client = client;
        _upstream = upstream;
        _handle = handle;
        var maxMessage = services.Limits.MaxMessageLength;
        _toServer = new RelayPump(client.Transport.Input, upstream.Output, new FrontendInspector(), maxMessage);
        _toClient = new RelayPump(upstream.Input, client.Transport.Output, new BackendInspector(), maxMessage);
    }

    /// <summary>Relays until the session ends; returns why, for the log.</summary>
    public async Task<string> RunAsync(CancellationToken connectionClosed)
    {
        // The greeting is still unflushed in the client pipe; the first pass of the server-side pump would flush
        // it only once the server says something, so flush it now.
        await _client.Transport.Output.FlushAsync(connectionClosed).ConfigureAwait(false);

        using var stopMailbox = CancellationTokenSource.CreateLinkedTokenSource(connectionClosed);
        var toServer = _toServer.RunAsync(connectionClosed);
        var toClient = _toClient.RunAsync(connectionClosed);
        var command = _handle.Mailbox.ReadAsync(stopMailbox.Token).AsTask();

        var first = await Task.WhenAny(toServer, toClient, command).ConfigureAwait(false);
        await stopMailbox.CancelAsync().ConfigureAwait(false);
        _toServer.Stop();
        _toClient.Stop();
        var serverSide = await Outcome(toServer).ConfigureAwait(false);
        var clientSide = await Outcome(toClient).ConfigureAwait(false);

        if (first == command && command.IsCompletedSuccessfully && command.Result is TerminateSession terminate)
        {
            await SayGoodbyeAsync(terminate.Error).ConfigureAwait(false);
            return terminate.Reason;
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
            _ => clientSide.Outcome == RelayOutcome.DestinationClosed ? "client stopped reading" : "upstream server closed the connection",
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
