using System.Buffers;
using System.IO.Pipelines;
using ProxyCluster.Protocol.Framing;

namespace ProxyCluster.Sessions.Tests.Support;

/// <summary>
/// One end of a conversation with the proxy (a client, or a scripted server): sends bytes, reads whole typed
/// messages, and notices end-of-stream. Every wait is bounded by <see cref="Wire.Timeout"/>.
/// </summary>
internal sealed class Peer
{
    public Peer(PipeReader input, PipeWriter output)
    {
        Input = input;
        Output = output;
    }

    /// <summary>What the proxy sends this peer.</summary>
    public PipeReader Input { get; }

    /// <summary>What this peer sends the proxy.</summary>
    public PipeWriter Output { get; }

    public async Task SendAsync(byte[] bytes) => await Output.WriteAsync(bytes).AsTask().WaitAsync(Wire.Timeout);

    public Task SendAsync(Action<IBufferWriter<byte>> write) => SendAsync(Wire.Written(write));

    /// <summary>Ends this peer's side of the stream (a socket's FIN).</summary>
    public void Close() => Output.Complete();

    /// <summary>The next whole message (code, length and body), or null when the proxy closed between messages.</summary>
    public async Task<byte[]?> ReadMessageOrEndAsync()
    {
        while (true)
        {
            var result = await Input.ReadAsync().AsTask().WaitAsync(Wire.Timeout);
            var buffer = result.Buffer;
            if (MessageFramer.TryReadFrame(ref buffer, int.MaxValue, out var frame) == FrameStatus.Complete)
            {
                var message = frame.Message.ToArray();
                Input.AdvanceTo(buffer.Start);
                return message;
            }

            if (result.IsCompleted)
            {
                var leftover = result.Buffer.Length;
                Input.AdvanceTo(result.Buffer.End);
                Assert.True(leftover == 0, $"stream ended {leftover} bytes into a message");
                return null;
            }

            Input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    public async Task<byte[]> ReadMessageAsync() =>
        await ReadMessageOrEndAsync() ?? throw new InvalidOperationException("expected a message, got end-of-stream");

    /// <summary>Reads until <paramref name="count"/> bytes are there and returns exactly those.</summary>
    public async Task<byte[]> ReadBytesAsync(int count)
    {
        var result = await Input.ReadAtLeastAsync(count).AsTask().WaitAsync(Wire.Timeout);
        Assert.True(result.Buffer.Length >= count, $"stream ended after {result.Buffer.Length} of {count} bytes");
        var bytes = result.Buffer.Slice(0, count).ToArray();
        Input.AdvanceTo(result.Buffer.GetPosition(count));
        return bytes;
    }

    /// <summary>Asserts that nothing more arrives and the stream ends.</summary>
    public async Task ExpectEndAsync()
    {
        var result = await Input.ReadAsync().AsTask().WaitAsync(Wire.Timeout);
        var unexpected = result.Buffer.ToArray();
        Input.AdvanceTo(result.Buffer.End);
        Assert.True(unexpected.Length == 0, $"expected end-of-stream, got {unexpected.Length} more bytes starting with '{(unexpected.Length > 0 ? (char)unexpected[0] : ' ')}'");
        Assert.True(result.IsCompleted, "expected end-of-stream");
    }
}
