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
        if (buffer.Length < MessageFrame.HeaderLength)
        {
            return FrameStatus.NeedMore;
        }

        Span<byte> header = stackalloc byte[MessageFrame.HeaderLength];
        buffer.Slice(0, MessageFrame.HeaderLength).CopyTo(header);
        var length = BinaryPrimitives.ReadInt32BigEndian(header[1..]);

        // The length counts itself (4) but not the type byte.
        if (length < 4 || length > maxMessageLength)
        {
            return FrameStatus.Invalid;
        }

        var total = 1L + length;
        if (buffer.Length < total)
        {
            return FrameStatus.NeedMore;
        }

        frame = new MessageFrame(header[0], buffer.Slice(0, total));
        buffer = buffer.Slice(total);
        return FrameStatus.Complete;
    }
}
