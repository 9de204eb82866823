using System.IO.Pipelines;
using System.Net;
using ProxyCluster.Protocol.Scram;
using ProxyCluster.Sessions.Tls;

namespace ProxyCluster.Sessions;

/// <summary>
/// An accepted client connection as the session needs it: its byte pipes and what the listener knows about it.
/// The host fills this in from Kestrel (or a test from an in-memory pipe); when the client negotiated TLS,
/// <see cref="Transport"/> is already the decrypted side of it.
/// </summary>
/// <param name="IsSecure">True when the connection is TLS.</param>
/// <param name="CleartextAllowed">True on TLS connections and on listeners explicitly marked insecure for local development.</param>
public sealed record ClientConnection(IDuplexPipe Transport, string RemoteAddress, bool IsSecure, bool CleartextAllowed)
{
    /// <summary>The listener requires TLS: a startup on a connection without it is refused (28000), as pg_hba's <c>hostssl</c> does.</summary>
    public bool TlsRequired { get; init; }

    /// <summary>The client's IP, which failed authentications are counted under; null (an in-memory test) is never slowed.</summary>
    public IPAddress? RemoteIp { get; init; }

    /// <summary>The TLS connection's <c>tls-server-end-point</c>, offered as SCRAM-SHA-256-PLUS; null without TLS.</summary>
    public ScramChannelBinding? ChannelBinding { get; init; }

    /// <summary>The client certificate that verified in the TLS handshake, and the token it maps to; null without one.</summary>
    public VerifiedClientCertificate? ClientCertificate { get; init; }
}
