namespace ProxyCluster.Protocol.Framing;

/// <summary>
/// The Int32 after the length of an untyped startup-phase packet. Requests are encoded as fake
/// protocol versions (major 1234) so that old servers reject them cleanly.
/// </summary>
public static class StartupCodes
{
    /// <summary>Protocol 3.0: major 3 in the high 16 bits, minor 0.</summary>
    public const int ProtocolVersion3 = 3 << 16;
    public const int CancelRequest = (1234 << 16) | 5678;
    public const int SslRequest = (1234 << 16) | 5679;
    public const int GssEncRequest = (1234 << 16) | 5680;

    /// <summary>What the server answers to an SSLRequest or GSSENCRequest it will not honour.</summary>
    public const byte Refuse = (byte)'N';
    /// <summary>What the server answers to an SSLRequest it will honour; a TLS handshake follows.</summary>
    public const byte Accept = (byte)'S';
}
