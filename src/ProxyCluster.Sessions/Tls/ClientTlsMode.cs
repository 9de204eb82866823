namespace ProxyCluster.Sessions.Tls;

/// <summary>What a listener does about TLS, in the spirit of pg_hba's <c>hostssl</c> and <c>host</c>.</summary>
public enum ClientTlsMode
{
    /// <summary>No TLS: SSLRequest gets <c>N</c>, direct TLS is not recognized. Loopback development only.</summary>
    Disable,

    /// <summary>TLS for clients that ask for it; clients that do not may still log in (without cleartext secrets).</summary>
    Prefer,

    /// <summary>TLS for clients that ask for it; a startup without TLS is refused with 28000, as <c>hostssl</c> does.</summary>
    Require,
}
