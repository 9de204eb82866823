using System.Buffers;
using System.Buffers.Binary;

namespace ProxyCluster.Protocol.Framing;

/// <summary>
/// Cuts typed protocol messages ('X' + Int32 length + body) off the front of a receive buffer. Used in both
/// directions: only the type byte's meaning differs.
/// </summary>
public static class MessageFramer
{
    /// <summary>
    /// Reads one message when the buffer holds all of it. The length is checked against <paramref name="maxMessageLength"/>
    /// as soon as the header is there, so an oversized message is refused before anyone waits for its body.
    /// </summary>
    public static FrameStatus TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxMessageLength, out MessageFrame frame)
    {
        frame = default;
        var header = TryReadHeader(buffer, maxMessageLength, out var code, out var length);
        if (header != FrameStatus.Complete)
        {
            return header;
        }

        var total = 1L + length;
        if (buffer.Length < total)
        {
            return FrameStatus.NeedMore;
        }

        frame = new MessageFrame(code, buffer.Slice(0, total));
        buffer = buffer.Slice(total);
        return FrameStatus.Complete;
    }

    /// <summary>
    /// Reads a message's type and length field without consuming anything: <see cref="FrameStatus.Complete"/> once
    /// both are there and the length is valid, <see cref="FrameStatus.Invalid"/> (with the bad length) when it is
    /// not. For a relay that forwards the body as it arrives instead of waiting for the whole message.
    /// </summary>
    public static FrameStatus TryReadHeader(in ReadOnlySequence<byte> buffer, int maxMessageLength, out byte code, out int length)
    {
        code = 0;
        length = 0;
        if (buffer.Length < MessageFrame.HeaderLength)
        {
            return FrameStatus.NeedMore;
        }

        Span<byte> header = stackalloc byte[MessageFrame.HeaderLength];
        buffer.Slice(0, MessageFrame.HeaderLength).CopyTo(header);
        code = header[0];
        length = BinaryPrimitives.ReadInt32BigEndian(header[1..]);

        // The length counts itself (4) but not the type byte.
        return length < 4 || length > maxMessageLength ? FrameStatus.Invalid : FrameStatus.Complete;
    }
}
