namespace ProxyCluster.Sessions.Upstream;

/// <summary>TLS towards a route's server, named after libpq's <c>sslmode</c> values with the same meaning.</summary>
public enum UpstreamTlsMode
{
    /// <summary>Plain TCP. Loopback development only.</summary>
    Disable,

    /// <summary>TLS, but the server's certificate is not checked: protects against eavesdropping, not impersonation.</summary>
    Require,

    /// <summary>TLS; the certificate must chain to the route's CA file (or the system's roots) and name the route's host.</summary>
    VerifyFull,
}
