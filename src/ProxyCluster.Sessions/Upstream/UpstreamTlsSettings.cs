using System.Security.Cryptography.X509Certificates;

namespace ProxyCluster.Sessions.Upstream;

/// <summary>A route's TLS settings: the mode and, for <see cref="UpstreamTlsMode.VerifyFull"/>, the CA bundle to trust.</summary>
/// <param name="CaFile">PEM bundle of trusted roots, re-read at each connect (so replacing it takes effect); null trusts the system's roots.</param>
public sealed record UpstreamTlsSettings(UpstreamTlsMode Mode, string? CaFile = null)
{
    public static readonly UpstreamTlsSettings Disabled = new(UpstreamTlsMode.Disable);

    /// <summary>The certificates of <see cref="CaFile"/>; empty when there is none.</summary>
    public X509Certificate2Collection LoadTrustedRoots()
    {
        var roots = new X509Certificate2Collection();
        if (CaFile is not null)
        {
            roots.ImportFromPemFile(CaFile);
        }

        return roots;
    }
}
