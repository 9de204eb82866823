using System.Net.Security;
using System.Runtime.Versioning;

namespace ProxyCluster.Sessions.Tls;

/// <summary>
/// TLS 1.3, and for TLS 1.2 only forward-secret AEAD suites (Mozilla's "intermediate" profile): what libpq and every
/// current driver negotiate anyway, without the CBC and RSA-key-exchange suites OpenSSL would otherwise still allow.
/// </summary>
internal static class ModernCipherSuites
{
    [SupportedOSPlatform("linux")]
    public static CipherSuitesPolicy Policy => s_policy ??= new CipherSuitesPolicy(
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]);

    private static CipherSuitesPolicy? s_policy;
}
