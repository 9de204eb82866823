using System.IO.Pipelines;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Frontend;
using ProxyCluster.Sessions.Routing;

namespace ProxyCluster.Sessions.Upstream;

/// <summary>
/// Dials the route's server over TCP — through TLS when the route says so — and runs the startup and authentication
/// exchange with it.
/// </summary>
public sealed class TcpUpstreamConnector : IUpstreamConnector, IDisposable
{
    // Kestrel's socket pipes, with continuations run inline on the socket thread like the client side: the relay
    // does too little per read to be worth a thread-pool hop in each direction.
    private readonly SocketConnectionContextFactory _sockets;

    /// <summary>A TLS record carries up to 16 KiB of plaintext; read a whole one at a time.</summary>
    private const int TlsReadBufferSize = 16 * 1024;

    public TcpUpstreamConnector(ILogger<TcpUpstreamConnector> logger)
    {
        _sockets = new SocketConnectionContextFactory(new SocketConnectionFactoryOptions { UnsafePreferInlineScheduling = true }, logger);
    }

    public void Dispose() => _sockets.Dispose();

    public async ValueTask<UpstreamConnectResult> ConnectAsync(
        RouteConfig route,
        string database,
        IReadOnlyList<KeyValuePair<string, string>> startupParameters,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(route.ConnectTimeout);
        Socket? socket = null;
        UpstreamConnection? connection = null;
        try
        {
            socket = await DialAsync(route, timeout.Token).ConfigureAwait(false);
            if (route.Tls.Mode == UpstreamTlsMode.Disable)
            {
                var transport = _sockets.Create(socket);
                socket = null;
                connection = new UpstreamConnection(route, transport.Transport.Input, transport.Transport.Output, transport);
            }
            else
            {
                var dialed = socket;
                socket = null; // the TLS stream owns it now, whatever happens
                var ssl = await UpstreamTls.ConnectAsync(dialed, route, timeout.Token).ConfigureAwait(false);
                connection = new UpstreamConnection(
                    route,
                    ssl,
                    PipeReader.Create(ssl, new StreamPipeReaderOptions(bufferSize: TlsReadBufferSize, minimumReadSize: 4096, leaveOpen: true)),
                    PipeWriter.Create(ssl, new StreamPipeWriterOptions(minimumBufferSize: 4096, leaveOpen: true)));
            }
            var error = await UpstreamHandshake.RunAsync(connection, database, startupParameters, timeout.Token).ConfigureAwait(false);
            if (error is null)
            {
                var ready = connection;
                connection = null;
                return UpstreamConnectResult.Success(ready);
            }

            return UpstreamConnectResult.Failure(error);
        }
        catch (Exception exception) when (exception is SocketException or IOException or ProtocolViolationException or AuthenticationException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return UpstreamConnectResult.Failure(Unreachable(route, Describe(exception)));
        }
        finally
        {
            socket?.Dispose();
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public async ValueTask CancelAsync(RouteConfig route, CancelRequest upstreamKey, CancellationToken cancellationToken)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(CancelRequest.Length);
        FrontendMessages.WriteCancelRequest(buffer, upstreamKey);
        var socket = await DialAsync(route, cancellationToken).ConfigureAwait(false);
        if (route.Tls.Mode == UpstreamTlsMode.Disable)
        {
            using (socket)
            {
                await socket.SendAsync(buffer.WrittenMemory, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                // The server answers a CancelRequest by closing; wait for that so the cancel is delivered before we return.
                await socket.ReceiveAsync(new byte[1], SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        // The cancel key is as good as a password for the query it cancels: it travels under the route's TLS too.
        var ssl = await UpstreamTls.ConnectAsync(socket, route, cancellationToken).ConfigureAwait(false);
        await using (ssl.ConfigureAwait(false))
        {
            await ssl.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            await ssl.FlushAsync(cancellationToken).ConfigureAwait(false);
            await ssl.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>08006 naming the route, never its credentials.</summary>
    public static PostgresError Unreachable(RouteConfig route, string reason) =>
        PostgresError.Fatal(SqlState.ConnectionFailure, $"could not connect to upstream server for {route}: {reason}");

    private static async ValueTask<Socket> DialAsync(RouteConfig route, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(route.Host, route.Port, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static string Describe(Exception exception) => exception switch
    {
        OperationCanceledException => "timed out",
        UpstreamTlsException tls => tls.Message,
        AuthenticationException tls => "TLS handshake failed: " + (tls.InnerException?.Message ?? tls.Message),
        SocketException socket => socket.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused",
            SocketError.HostNotFound or SocketError.NoData => "host not found",
            SocketError.TimedOut => "timed out",
            _ => socket.SocketErrorCode.ToString(),
        },
        ProtocolViolationException => "invalid response from server",
        _ => "connection lost during startup",
    };
}
