using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Framing;
using ProxyCluster.Protocol.Frontend;
using ProxyCluster.Sessions.Routing;
using ProxyCluster.Sessions.Tls;

namespace ProxyCluster.Sessions.Upstream;

/// <summary>
/// The proxy's side of TLS as a PostgreSQL client: SSLRequest, exactly one byte of answer, then a handshake checked
/// as the route's <see cref="UpstreamTlsMode"/> says (libpq's <c>require</c> and <c>verify-full</c>).
/// </summary>
internal static class UpstreamTls
{
    /// <summary>Sends SSLRequest on a connected socket and returns the TLS stream over it; owns the socket from here on.</summary>
    public static async ValueTask<SslStream> ConnectAsync(Socket socket, RouteConfig route, CancellationToken cancellationToken)
    {
        var network = new NetworkStream(socket, ownsSocket: true);
        SslStream? ssl = null;
        try
        {
            var request = new ArrayBufferWriter<byte>(8);
            FrontendMessages.WriteSslRequest(request);
            await network.WriteAsync(request.WrittenMemory, cancellationToken).ConfigureAwait(false);

            // Exactly one byte: whatever follows 'S' must be TLS, so a man in the middle cannot slip plaintext in
            // ahead of the handshake (CVE-2021-23222).
            var answer = new byte[1];
            if (await network.ReadAsync(answer, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new IOException("server closed the connection after SSLRequest");
            }

            switch (answer[0])
            {
                case StartupCodes.Accept:
                    break;
                case StartupCodes.Refuse:
                    throw new UpstreamTlsException("server does not support TLS");
                case (byte)BackendCode.ErrorResponse:
                    throw new UpstreamTlsException("server refused SSLRequest");
                default:
                    throw new ProtocolViolationException($"invalid answer to SSLRequest: 0x{answer[0]:x2}");
            }

            ssl = new SslStream(network, leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsClientAsync(ClientOptions(route), cancellationToken).ConfigureAwait(false);
            return ssl;
        }
        catch
        {
            if (ssl is not null)
            {
                await ssl.DisposeAsync().ConfigureAwait(false);
            }

            await network.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static SslClientAuthenticationOptions ClientOptions(RouteConfig route)
    {
        var options = new SslClientAuthenticationOptions
        {
            // The host as configured: an IP address is checked against the certificate's IP SANs, a name against its DNS SANs.
            TargetHost = route.Host,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ApplicationProtocols = [ClientTlsNegotiator.PostgresAlpn],
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            AllowRenegotiation = false,
        };
        if (route.Tls.Mode == UpstreamTlsMode.VerifyFull)
        {
            var policy = new X509ChainPolicy { RevocationMode = X509RevocationMode.NoCheck };
            if (route.Tls.CaFile is not null)
            {
                // Like libpq's sslrootcert: the file's certificates are the only trust anchors.
                policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                policy.CustomTrustStore.AddRange(route.Tls.LoadTrustedRoots());
            }

            options.CertificateChainPolicy = policy;
        }
        else
        {
            // require: encrypted, but whoever answers is accepted, as libpq's sslmode=require without a root certificate.
            options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }

        return options;
    }
}

/// <summary>The upstream server would not do TLS; the message says why, for the 08006 the client sees.</summary>
public sealed class UpstreamTlsException : IOException
{
    public UpstreamTlsException()
    {
    }

    public UpstreamTlsException(string message)
        : base(message)
    {
    }

    public UpstreamTlsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
