using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ProxyCluster.Protocol.Scram;

namespace ProxyCluster.Sessions.Tls;

/// <summary>
/// A client connection after its TLS handshake: pipes over the <see cref="SslStream"/>, which sits on the
/// connection's raw pipes. The session reads and writes these pipes exactly as it would the raw ones. Owned by the
/// listener, which disposes it when the session is over (the raw pipes are the host's to complete).
/// </summary>
public sealed class TlsClientTransport : IDuplexPipe, IAsyncDisposable
{
    /// <summary>A TLS record carries up to 16 KiB of plaintext; read a whole one at a time.</summary>
    private const int ReadBufferSize = 16 * 1024;

    /// <summary>How long a close_notify may take to reach a client that has stopped reading.</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(2);

    private readonly SslStream _ssl;
    private int _disposed;

    internal TlsClientTransport(SslStream ssl, ServerCertificate certificate, bool direct)
    {
        _ssl = ssl;
        Certificate = certificate;
        IsDirect = direct;
        Input = PipeReader.Create(ssl, new StreamPipeReaderOptions(bufferSize: ReadBufferSize, minimumReadSize: 4096, leaveOpen: true));
        Output = PipeWriter.Create(ssl, new StreamPipeWriterOptions(minimumBufferSize: 4096, leaveOpen: true));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>The certificate this handshake presented.</summary>
    public ServerCertificate Certificate { get; }

    /// <summary>What a SCRAM-SHA-256-PLUS exchange on this connection must be bound to; null when -PLUS cannot be offered.</summary>
    public ScramChannelBinding? ChannelBinding => Certificate.ChannelBinding;

    /// <summary>The certificate the client presented and that verified; null when it presented none.</summary>
    public X509Certificate2? ClientCertificate => _ssl.RemoteCertificate switch
    {
        null => null,
        X509Certificate2 certificate => certificate,
        var other => new X509Certificate2(other),
    };

    /// <summary>True for PostgreSQL 17 direct TLS (no SSLRequest), false after SSLRequest.</summary>
    public bool IsDirect { get; }

    public SslProtocols Protocol => _ssl.SslProtocol;

    public TlsCipherSuite CipherSuite => _ssl.NegotiatedCipherSuite;

    /// <summary>Completes the pipes, sends close_notify (bounded) and releases the TLS session.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Input.CompleteAsync().ConfigureAwait(false);
        try
        {
            await Output.CompleteAsync().ConfigureAwait(false);
            await _ssl.ShutdownAsync().WaitAsync(ShutdownTimeout).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or TimeoutException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
        {
            // The client is gone or not reading; the host closes the socket regardless.
        }

        await _ssl.DisposeAsync().ConfigureAwait(false);
    }
}
