using System.Buffers;
using System.Net.Sockets;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Framing;

namespace ProxyCluster.IntegrationTests.Fixtures;

/// <summary>
/// A bare TCP client for sending what no driver would send (oversized or malformed packets, silence) and reading
/// exactly what the proxy answers, byte for byte.
/// </summary>
public sealed class RawClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port);
        return new RawClient(tcp);
    }

    public async Task SendAsync(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        await _stream.WriteAsync(buffer.WrittenMemory);
    }

    public Task SendAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    /// <summary>Everything the proxy sends until it closes the connection (bounded by <paramref name="timeout"/>).</summary>
    public async Task<byte[]> ReadUntilClosedAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var received = new MemoryStream();
        var chunk = new byte[4096];
        while (true)
        {
            int read;
            try
            {
                read = await _stream.ReadAsync(chunk, cancel.Token);
            }
            catch (IOException)
            {
                break; // reset by peer also counts as closed
            }

            if (read == 0)
            {
                break;
            }

            received.Write(chunk, 0, read);
        }

        return received.ToArray();
    }

    public async Task<byte> ReadByteAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var one = new byte[1];
        await _stream.ReadExactlyAsync(one, cancel.Token);
        return one[0];
    }

    /// <summary>The next typed message: its code and body (bounded by <paramref name="timeout"/>).</summary>
    public async Task<(byte Code, byte[] Body)> ReadMessageAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var header = new byte[5];
        await _stream.ReadExactlyAsync(header, cancel.Token);
        var body = new byte[System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1)) - 4];
        await _stream.ReadExactlyAsync(body, cancel.Token);
        return (header[0], body);
    }

    /// <summary>The ErrorResponses among typed messages.</summary>
    public static List<PostgresError> ErrorsIn(byte[] bytes)
    {
        var errors = new List<PostgresError>();
        var buffer = new ReadOnlySequence<byte>(bytes);
        while (MessageFramer.TryReadFrame(ref buffer, int.MaxValue, out var frame) == FrameStatus.Complete)
        {
            if (frame.Code == (byte)BackendCode.ErrorResponse && ErrorResponseReader.TryRead(frame.Body, out var error))
            {
                errors.Add(error!);
            }
        }

        return errors;
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
