using System.IO.Pipelines;
using ProxyCluster.Protocol.Scram;

namespace ProxyCluster.Sessions.Tls;

/// <summary>
/// What the encryption step left: the transport the session continues on, or nothing when the connection is over.
/// Disposing it releases the TLS session, if there is one.
/// </summary>
public sealed class ClientTlsResult : IAsyncDisposable
{
    public static readonly ClientTlsResult Done = new(null, null);

    private ClientTlsResult(IDuplexPipe? transport, TlsClientTransport? tls)
    {
        Transport = transport;
        Tls = tls;
    }

    /// <summary>The pipes the session reads and writes; null when the connection is already done.</summary>
    public IDuplexPipe? Transport { get; }

    /// <summary>The TLS session, when the client asked for one and the handshake succeeded.</summary>
    public TlsClientTransport? Tls { get; }

    public bool IsSecure => Tls is not null;

    public ScramChannelBinding? ChannelBinding => Tls?.ChannelBinding;

    public static ClientTlsResult Plain(IDuplexPipe transport) => new(transport, null);

    public static ClientTlsResult Secure(TlsClientTransport tls) => new(tls, tls);

    public ValueTask DisposeAsync() => Tls?.DisposeAsync() ?? ValueTask.CompletedTask;
}
