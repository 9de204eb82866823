using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Framing;
using ProxyCluster.Sessions.Lifecycle;

namespace ProxyCluster.Sessions.Tls;

/// <summary>
/// The encryption step at the front of a client connection, before the session reads its startup packet (connection
/// middleware, as Kestrel's TLS listener is). It answers GSSENCRequest with <c>N</c>, SSLRequest with <c>S</c> and a
/// TLS handshake, and recognizes PostgreSQL 17 direct TLS (the first byte is a TLS handshake record, and the client
/// must name ALPN <c>postgresql</c>). Anything else — a StartupMessage, a CancelRequest — is left unread for the
/// session. Bytes the client sent after its SSLRequest, before seeing <c>S</c>, are refused (08P01): they were not
/// protected by the handshake that follows, and a man in the middle could have injected them (CVE-2021-23214).
/// </summary>
public static class ClientTlsNegotiator
{
    /// <summary>The ALPN protocol id PostgreSQL 17 registered; required for direct TLS.</summary>
    public static readonly SslApplicationProtocol PostgresAlpn = new("postgresql"u8.ToArray());

    /// <summary>ContentType handshake (22): the first byte of a TLS ClientHello record.</summary>
    private const byte TlsHandshakeRecord = 0x16;

    /// <summary>Length word plus request code.</summary>
    private const int RequestLength = 8;

    /// <summary>A GSSENCRequest followed by an SSLRequest is the most a well-behaved client sends.</summary>
    private const int MaxEncryptionRequests = 2;

    /// <summary>
    /// Runs the encryption step. The result is the transport the session continues on (the raw one, or TLS), or
    /// <see cref="ClientTlsResult.Done"/> when the connection is already over (handshake failed, refused, closed).
    /// </summary>
    public static async ValueTask<ClientTlsResult> NegotiateAsync(
        IDuplexPipe client,
        ClientTlsPolicy policy,
        string remoteAddress,
        ILogger logger,
        TimeSpan goodbyeTimeout,
        CancellationToken connectionClosed)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Mode == ClientTlsMode.Disable)
        {
            return ClientTlsResult.Plain(client);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connectionClosed);
        timeout.CancelAfter(policy.HandshakeTimeout);
        try
        {
            for (var requests = 0; requests < MaxEncryptionRequests; requests++)
            {
                var request = await PeekRequestAsync(client.Input, timeout.Token).ConfigureAwait(false);
                switch (request)
                {
                    case EncryptionRequest.DirectTls:
                        return await HandshakeAsync(client, policy, direct: true, remoteAddress, logger, timeout.Token).ConfigureAwait(false);
                    case EncryptionRequest.SslRequest:
                        client.Output.GetSpan(1)[0] = StartupCodes.Accept;
                        client.Output.Advance(1);
                        await client.Output.FlushAsync(timeout.Token).ConfigureAwait(false);
                        return await HandshakeAsync(client, policy, direct: false, remoteAddress, logger, timeout.Token).ConfigureAwait(false);
                    case EncryptionRequest.GssEncRequest:
                        client.Output.GetSpan(1)[0] = StartupCodes.Refuse;
                        client.Output.Advance(1);
                        await client.Output.FlushAsync(timeout.Token).ConfigureAwait(false);
                        continue;
                    default:
                        return ClientTlsResult.Plain(client);
                }
            }

            return ClientTlsResult.Plain(client);
        }
        catch (ProtocolViolationException violation)
        {
            TlsLog.Refused(logger, remoteAddress, violation.SqlState, violation.Message);
            await ClientGoodbye.SendAsync(client.Output, PostgresError.Fatal(violation.SqlState, violation.Message), goodbyeTimeout).ConfigureAwait(false);
            return ClientTlsResult.Done;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !connectionClosed.IsCancellationRequested)
        {
            TlsLog.HandshakeFailed(logger, remoteAddress, "timed out");
            return ClientTlsResult.Done;
        }
    }

    private enum EncryptionRequest
    {
        None,
        DirectTls,
        SslRequest,
        GssEncRequest,
    }

    /// <summary>
    /// Looks at the next packet. Consumes it only when it is an encryption request; anything else stays in the pipe.
    /// </summary>
    private static async ValueTask<EncryptionRequest> PeekRequestAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (!buffer.IsEmpty && buffer.FirstSpan[0] == TlsHandshakeRecord)
            {
                // A startup packet would start with its length's high byte: 0x16 would mean over 350 MB. It is TLS.
                input.AdvanceTo(buffer.Start);
                return EncryptionRequest.DirectTls;
            }

            if (buffer.Length >= RequestLength)
            {
                Span<byte> header = stackalloc byte[RequestLength];
                buffer.Slice(0, RequestLength).CopyTo(header);
                var length = BinaryPrimitives.ReadInt32BigEndian(header);
                var code = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
                var kind = length != RequestLength ? EncryptionRequest.None : code switch
                {
                    StartupCodes.SslRequest => EncryptionRequest.SslRequest,
                    StartupCodes.GssEncRequest => EncryptionRequest.GssEncRequest,
                    _ => EncryptionRequest.None,
                };
                if (kind == EncryptionRequest.None)
                {
                    input.AdvanceTo(buffer.Start);
                    return kind;
                }

                var rest = buffer.Slice(RequestLength);
                input.AdvanceTo(rest.Start);
                if (kind == EncryptionRequest.SslRequest && !rest.IsEmpty)
                {
                    throw new ProtocolViolationException("received unencrypted data after SSL request");
                }

                return kind;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                // Closed early, or a packet too short to be anything: the session's negotiator reports it.
                input.AdvanceTo(buffer.Start);
                return EncryptionRequest.None;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static async ValueTask<ClientTlsResult> HandshakeAsync(
        IDuplexPipe client,
        ClientTlsPolicy policy,
        bool direct,
        string remoteAddress,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        // One snapshot for the whole handshake: the channel binding must be of the certificate actually presented.
        var certificate = policy.Certificates!.Current;
        var ssl = new SslStream(new DuplexPipeStream(client), leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsServerAsync(ServerOptions(certificate, policy.ClientCertificates), cancellationToken).ConfigureAwait(false);

            // PostgreSQL 17 insists on ALPN for direct TLS, so a TLS connection to another protocol's port cannot be
            // confused with ours; after SSLRequest ALPN is optional, but if named it must be ours.
            var alpn = ssl.NegotiatedApplicationProtocol;
            if (direct ? alpn != PostgresAlpn : alpn != default && alpn != PostgresAlpn)
            {
                TlsLog.HandshakeFailed(logger, remoteAddress, direct
                    ? "direct TLS connection without ALPN protocol \"postgresql\""
                    : "TLS connection with an ALPN protocol other than \"postgresql\"");
                await ssl.DisposeAsync().ConfigureAwait(false);
                return ClientTlsResult.Done;
            }

            var transport = new TlsClientTransport(ssl, certificate, direct);
            TlsLog.Established(logger, remoteAddress, transport.Protocol, transport.CipherSuite, direct ? "direct" : "SSLRequest");
            return ClientTlsResult.Secure(transport);
        }
        catch (Exception exception) when (exception is AuthenticationException or IOException or OperationCanceledException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            if (exception is OperationCanceledException)
            {
                throw;
            }

            TlsLog.HandshakeFailed(logger, remoteAddress, exception.InnerException?.Message ?? exception.Message);
            return ClientTlsResult.Done;
        }
    }

    private static SslServerAuthenticationOptions ServerOptions(ServerCertificate certificate, ClientCertificatePolicy? clientCertificates)
    {
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = certificate.Context,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ApplicationProtocols = [PostgresAlpn],
            ClientCertificateRequired = false,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            AllowRenegotiation = false,
        };
        if (clientCertificates is not null)
        {
            // Ask for a certificate, but let clients without one through to password authentication; one that is
            // presented must verify against the listener's client CAs, or the handshake fails.
            options.ClientCertificateRequired = true;
            options.RemoteCertificateValidationCallback = (_, presented, _, _) =>
                presented is null || clientCertificates.IsTrusted(presented as X509Certificate2 ?? new X509Certificate2(presented));
        }

        if (OperatingSystem.IsLinux())
        {
            options.CipherSuitesPolicy = ModernCipherSuites.Policy;
        }

        return options;
    }
}
