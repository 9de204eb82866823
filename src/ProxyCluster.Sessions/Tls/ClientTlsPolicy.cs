namespace ProxyCluster.Sessions.Tls;

/// <summary>One listener's TLS settings: the mode and, unless it is <see cref="ClientTlsMode.Disable"/>, the certificate to present.</summary>
public sealed record ClientTlsPolicy
{
    public static readonly ClientTlsPolicy Disabled = new(ClientTlsMode.Disable, null);

    public ClientTlsPolicy(ClientTlsMode mode, ServerCertificateStore? certificates)
    {
        if (mode != ClientTlsMode.Disable && certificates is null)
        {
            throw new ArgumentException($"TLS mode {mode} needs a server certificate.", nameof(certificates));
        }

        Mode = mode;
        Certificates = certificates;
    }

    public ClientTlsMode Mode { get; }

    public ServerCertificateStore? Certificates { get; }

    /// <summary>Client certificates (mTLS): requested in every handshake when set; null never asks for one.</summary>
    public ClientCertificatePolicy? ClientCertificates { get; init; }

    /// <summary>From accept until the TLS handshake is done; the session's authentication timeout starts after it.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
