using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ProxyCluster.Protocol.Scram;

namespace ProxyCluster.Sessions.Tls;

/// <summary>
/// One loaded server certificate, immutable: what a handshake presents and the channel binding a SCRAM-SHA-256-PLUS
/// exchange on that handshake must carry. A handshake takes one snapshot and uses it throughout, so a rotation in
/// the middle of a handshake cannot make the two disagree.
/// </summary>
public sealed class ServerCertificate
{
    private ServerCertificate(X509Certificate2 certificate, SslStreamCertificateContext context, ScramChannelBinding? channelBinding)
    {
        Certificate = certificate;
        Context = context;
        ChannelBinding = channelBinding;
    }

    /// <summary>The leaf certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The leaf and its intermediates, as SslStream sends them.</summary>
    public SslStreamCertificateContext Context { get; }

    /// <summary><c>tls-server-end-point</c> of <see cref="Certificate"/>; null when its signature algorithm has none.</summary>
    public ScramChannelBinding? ChannelBinding { get; }

    public string Subject => Certificate.Subject;

    public string Thumbprint => Certificate.Thumbprint;

    /// <summary>
    /// Reads a PEM certificate file (the leaf first, then any intermediates) and a PEM private key file. Throws
    /// <see cref="System.Security.Cryptography.CryptographicException"/> when they do not parse or do not belong
    /// together, <see cref="IOException"/> when they cannot be read.
    /// </summary>
    public static ServerCertificate LoadPem(string certificateFile, string keyFile)
    {
        var leaf = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        if (!leaf.HasPrivateKey)
        {
            leaf.Dispose();
            throw new System.Security.Cryptography.CryptographicException($"{keyFile} holds no private key for {certificateFile}");
        }

        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(certificateFile);
        var intermediates = new X509Certificate2Collection();
        foreach (var certificate in chain)
        {
            if (certificate.Thumbprint == leaf.Thumbprint)
            {
                certificate.Dispose();
                continue;
            }

            intermediates.Add(certificate);
        }

        // offline: never fetch missing intermediates from the network during a reload.
        var context = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        return new ServerCertificate(leaf, context, ScramChannelBinding.TlsServerEndPoint(leaf));
    }
}
