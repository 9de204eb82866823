namespace ProxyCluster.Node.Configuration;

/// <summary>A Postgres-protocol listener.</summary>
public sealed class ListenerOptions
{
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>0 picks a free port (tests).</summary>
    public int Port { get; set; } = 6432;

    /// <summary>
    /// Lets clients send the token itself as a cleartext password on a connection without TLS. Only for a loopback
    /// listener on a developer's machine; the node refuses to start with it on any other address.
    /// </summary>
    public bool InsecureCleartextForLocalDevelopment { get; set; }

    /// <summary>
    /// <c>require</c> (the default on any address but loopback): a startup without TLS is refused with 28000;
    /// <c>prefer</c>: TLS for clients that ask; <c>disable</c> (loopback only): no TLS. On loopback the default is
    /// <c>prefer</c> when <c>Proxy:Tls</c> names a certificate and <c>disable</c> otherwise.
    /// </summary>
    public string? Tls { get; set; }
}
