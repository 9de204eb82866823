using System.Buffers;
using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using ProxyCluster.Protocol.Framing;
using ProxyCluster.Protocol.Frontend;

namespace ProxyCluster.IntegrationTests.Tls;

/// <summary>A hand-driven client for what drivers do not let a test control: the bytes around a TLS handshake.</summary>
internal sealed class TlsProbe : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly TcpClient _tcp;

    private TlsProbe(TcpClient tcp)
    {
        _tcp = tcp;
        Stream = tcp.GetStream();
    }

    /// <summary>The plain stream until <see cref="HandshakeAsync"/>, the TLS stream after.</summary>
    public Stream Stream { get; private set; }

    /// <summary>The certificate the server presented in the handshake.</summary>
    public X509Certificate2? ServerCertificate { get; private set; }

    public SslApplicationProtocol NegotiatedAlpn { get; private set; }

    public static async Task<TlsProbe> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        using var cancel = new CancellationTokenSource(Timeout);
        await tcp.ConnectAsync("127.0.0.1", port, cancel.Token);
        return new TlsProbe(tcp);
    }

    public static byte[] Request(int code)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 8);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), code);
        return bytes;
    }

    public static byte[] Startup(string user, string database)
    {
        var buffer = new ArrayBufferWriter<byte>();
        FrontendMessages.WriteStartupMessage(buffer, [new("user", user), new("database", database)]);
        return buffer.WrittenSpan.ToArray();
    }

    public async Task SendAsync(params byte[][] parts)
    {
        using var cancel = new CancellationTokenSource(Timeout);
        foreach (var part in parts)
        {
            await Stream.WriteAsync(part, cancel.Token);
        }

        await Stream.FlushAsync(cancel.Token);
    }

    public async Task<byte> ReadByteAsync()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        var one = new byte[1];
        await Stream.ReadExactlyAsync(one, cancel.Token);
        return one[0];
    }

    /// <summary>SSLRequest, then the answer byte.</summary>
    public async Task<char> RequestSslAsync()
    {
        await SendAsync(Request(StartupCodes.SslRequest));
        return (char)await ReadByteAsync();
    }

    /// <summary>A TLS handshake on the current stream, accepting any certificate (the test inspects it instead).</summary>
    public async Task HandshakeAsync(bool offerPostgresAlpn = true, string? otherAlpn = null)
    {
        var ssl = new SslStream(Stream, leaveInnerStreamOpen: false);
        var protocols = new List<SslApplicationProtocol>();
        if (offerPostgresAlpn)
        {
            protocols.Add(new SslApplicationProtocol("postgresql"));
        }

        if (otherAlpn is not null)
        {
            protocols.Add(new SslApplicationProtocol(otherAlpn));
        }

        using var cancel = new CancellationTokenSource(Timeout);
        await ssl.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ApplicationProtocols = protocols.Count > 0 ? protocols : null,
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            },
            cancel.Token);
        ServerCertificate = ssl.RemoteCertificate is { } remote ? new X509Certificate2(remote) : null;
        NegotiatedAlpn = ssl.NegotiatedApplicationProtocol;
        Stream = ssl;
    }

    /// <summary>Everything until the server closes (bounded); an abortive close counts as closed.</summary>
    public async Task<byte[]> ReadUntilClosedAsync()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        var received = new MemoryStream();
        var chunk = new byte[4096];
        while (true)
        {
            int read;
            try
            {
                read = await Stream.ReadAsync(chunk, cancel.Token);
            }
            catch (IOException)
            {
                break;
            }

            if (read == 0)
            {
                break;
            }

            received.Write(chunk, 0, read);
        }

        return received.ToArray();
    }

    /// <summary>The next typed message, whole: code, length, body.</summary>
    public async Task<byte[]> ReadMessageAsync()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        var header = new byte[5];
        await Stream.ReadExactlyAsync(header, cancel.Token);
        var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
        var message = new byte[1 + length];
        header.CopyTo(message, 0);
        await Stream.ReadExactlyAsync(message.AsMemory(5), cancel.Token);
        return message;
    }

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        _tcp.Dispose();
    }
}
