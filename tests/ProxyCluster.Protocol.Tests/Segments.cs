using System.Buffers;

namespace ProxyCluster.Protocol.Tests;

/// <summary>Builds multi-segment sequences so every codec test also sees messages split across reads.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Of(params byte[][] parts)
    {
        if (parts.Length == 1)
        {
            return new ReadOnlySequence<byte>(parts[0]);
        }

        var first = new Segment(parts[0], 0);
        var last = first;
        for (var i = 1; i < parts.Length; i++)
        {
            last = last.Append(parts[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>The bytes whole, split at every position, and one byte per segment.</summary>
    public static IEnumerable<ReadOnlySequence<byte>> AllSplits(byte[] bytes)
    {
        yield return Of(bytes);
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            yield return Of(bytes[..cut], bytes[cut..]);
        }

        var singles = new byte[bytes.Length][];
        for (var i = 0; i < bytes.Length; i++)
        {
            singles[i] = [bytes[i]];
        }

        if (singles.Length > 0)
        {
            yield return Of(singles);
        }
    }

    public static byte[] Written(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
