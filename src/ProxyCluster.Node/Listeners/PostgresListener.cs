using Microsoft.AspNetCore.Connections;
using ProxyCluster.Node.Configuration;
using ProxyCluster.Protocol.Backend;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Sessions;

namespace ProxyCluster.Node.Listeners;

/// <summary>
/// Kestrel's entry point for a Postgres-protocol listener: enforces the node's connection limit, then hands the
/// connection to a <see cref="ClientSession"/> for its whole life.
/// </summary>
public sealed class PostgresListener
{
    private readonly SessionServices _services;
    private readonly ListenerOptions _listener;
    private readonly ConnectionLimit _limit;

    public PostgresListener(SessionServices services, ListenerOptions listener, ConnectionLimit limit)
    {
        _services = services;
        _listener = listener;
        _limit = limit;
    }

    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        var remote = connection.RemoteEndPoint?.ToString() ?? "unknown";
        if (!_limit.TryEnter())
        {
            BackendMessages.WriteErrorResponse(connection.Transport.Output, PostgresError.Fatal(SqlState.TooManyConnections, "sorry, too many clients already"));
            await connection.Transport.Output.FlushAsync(connection.ConnectionClosed).ConfigureAwait(false);
            return;
        }

        try
        {
            var client = new ClientConnection(connection.Transport, remote, IsSecure: false, CleartextAllowed: _listener.InsecureCleartextForLocalDevelopment);
            await new ClientSession(_services, client).RunAsync(connection.ConnectionClosed).ConfigureAwait(false);
        }
        finally
        {
            _limit.Exit();
        }
    }
}
