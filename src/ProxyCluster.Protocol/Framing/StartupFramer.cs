using System.Buffers;
using System.Buffers.Binary;

namespace ProxyCluster.Protocol.Framing;

/// <summary>Cuts the untyped packets of the startup phase off the front of a receive buffer.</summary>
public static class StartupFramer
{
    /// <summary>PostgreSQL's own limit for a startup packet (MAX_STARTUP_PACKET_LENGTH).</summary>
    public const int DefaultMaxStartupLength = 10_000;

    public static FrameStatus TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxLength, out StartupFrame frame)
    {
        frame = default;
        if (buffer.Length < StartupFrame.HeaderLength)
        {
            return FrameStatus.NeedMore;
        }

        Span<byte> header = stackalloc byte[StartupFrame.HeaderLength];
        buffer.Slice(0, StartupFrame.HeaderLength).CopyTo(header);
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length < StartupFrame.HeaderLength || length > maxLength)
        {
            return FrameStatus.Invalid;
        }

        if (buffer.Length < length)
        {
            return FrameStatus.NeedMore;
        }

        frame = new StartupFrame(BinaryPrimitives.ReadInt32BigEndian(header[4..]), buffer.Slice(0, length));
        buffer = buffer.Slice(length);
        return FrameStatus.Complete;
    }
}
