using System.Net;
using Microsoft.AspNetCore.Connections;
using ProxyCluster.Node.Configuration;
using ProxyCluster.Protocol.Backend;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Sessions;
using ProxyCluster.Sessions.Lifecycle;
using ProxyCluster.Sessions.Tls;

namespace ProxyCluster.Node.Listeners;

/// <summary>
/// Kestrel's entry point for a Postgres-protocol listener: enforces the node's connection limit, runs the encryption
/// step (SSLRequest, direct TLS) as the listener's TLS mode says, then hands the connection — decrypted — to a
/// <see cref="ClientSession"/> for its whole life.
/// </summary>
public sealed class PostgresListener
{
    private readonly SessionServices _services;
    private readonly ListenerOptions _listener;
    private readonly ConnectionLimit _limit;
    private readonly ClientTlsPolicy _tls;

    public PostgresListener(SessionServices services, ListenerOptions listener, ConnectionLimit limit, ClientTlsPolicy tls)
    {
        _services = services;
        _listener = listener;
        _limit = limit;
        _tls = tls;
    }

    /// <summary>The TLS policy of <paramref name="listener"/>: its mode (defaults as <see cref="TlsModes.ForListener"/> says) and the node's certificate.</summary>
    /// <param name="clientCertificates">The node's client certificate (mTLS) rules; null asks for no client certificate.</param>
    public static ClientTlsPolicy TlsPolicyFor(ListenerOptions listener, ServerCertificateStore? certificates, ClientCertificatePolicy? clientCertificates, TimeSpan handshakeTimeout)
    {
        ArgumentNullException.ThrowIfNull(listener);
        var mode = TlsModes.ForListener(listener, certificates is not null)
            ?? throw new InvalidOperationException($"listener {listener.Address}:{listener.Port} has an unknown Tls mode \"{listener.Tls}\"");
        return mode == ClientTlsMode.Disable
            ? ClientTlsPolicy.Disabled
            : new ClientTlsPolicy(mode, certificates) { HandshakeTimeout = handshakeTimeout, ClientCertificates = clientCertificates };
    }

    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        var remote = connection.RemoteEndPoint?.ToString() ?? "unknown";
        if (!_limit.TryEnter())
        {
            await ClientGoodbye.SendAsync(
                connection.Transport.Output,
                PostgresError.Fatal(SqlState.TooManyConnections, "sorry, too many clients already"),
                _services.Limits.GoodbyeTimeout).ConfigureAwait(false);
            return;
        }

        try
        {
            var negotiated = await ClientTlsNegotiator.NegotiateAsync(
                connection.Transport, _tls, remote, _services.Logger, _services.Limits.GoodbyeTimeout, connection.ConnectionClosed).ConfigureAwait(false);
            await using (negotiated.ConfigureAwait(false))
            {
                if (negotiated.Transport is not { } transport)
                {
                    return;
                }

                var client = new ClientConnection(
                    transport,
                    remote,
                    IsSecure: negotiated.IsSecure,
                    CleartextAllowed: negotiated.IsSecure || _listener.InsecureCleartextForLocalDevelopment)
                {
                    TlsRequired = _tls.Mode == ClientTlsMode.Require,
                    RemoteIp = (connection.RemoteEndPoint as IPEndPoint)?.Address,
                    ChannelBinding = negotiated.ChannelBinding,
                    ClientCertificate = negotiated.Tls?.ClientCertificate is { } certificate
                        ? new VerifiedClientCertificate(certificate.Subject, certificate.Thumbprint, _tls.ClientCertificates?.Map(certificate))
                        : null,
                };
                await new ClientSession(_services, client).RunAsync(connection.ConnectionClosed).ConfigureAwait(false);
            }
        }
        finally
        {
            _limit.Exit();
        }
    }
}
