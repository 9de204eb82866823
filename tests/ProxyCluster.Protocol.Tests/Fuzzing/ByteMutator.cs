using System.Buffers;
using System.Buffers.Binary;

namespace ProxyCluster.Tests.Fuzzing;

/// <summary>
/// Mutates valid wire bytes the ways that find framing bugs: flipped bits, boundary bytes (0, 0x7F, 0x80, 0xFF),
/// length words replaced by boundary integers, bytes inserted, deleted or duplicated, the end cut off; and splits
/// the result into random segments, as reads from a socket do.
/// </summary>
internal static class ByteMutator
{
    private static readonly byte[] BoundaryBytes = [0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF, (byte)'\'', (byte)';'];
    private static readonly int[] BoundaryInts = [0, 1, 3, 4, 5, -1, -4, int.MaxValue, int.MinValue, 0x7FFF, 0x8000, 0xFFFF, 1 << 24, 1 << 30];

    public static byte[] Mutate(Random random, byte[] input, int rounds = 3)
    {
        var bytes = new List<byte>(input);
        for (var round = 0; round < 1 + random.Next(rounds); round++)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[at] = BoundaryBytes[random.Next(BoundaryBytes.Length)];
                    break;
                case 2 when bytes.Count >= 4:
                    var word = new byte[4];
                    BinaryPrimitives.WriteInt32BigEndian(word, BoundaryInts[random.Next(BoundaryInts.Length)]);
                    var start = Math.Min(at, bytes.Count - 4);
                    for (var i = 0; i < 4; i++)
                    {
                        bytes[start + i] = word[i];
                    }

                    break;
                case 3:
                    bytes.Insert(at, BoundaryBytes[random.Next(BoundaryBytes.Length)]);
                    break;
                case 4 when bytes.Count > 0:
                    bytes.RemoveRange(at, Math.Min(1 + random.Next(8), bytes.Count - at));
                    break;
                case 5 when bytes.Count > 0:
                    var length = Math.Min(1 + random.Next(16), bytes.Count - at);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                case 6 when bytes.Count > 0:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>The bytes as a sequence of 1 to 4 segments cut at random places.</summary>
    public static ReadOnlySequence<byte> Split(Random random, byte[] bytes)
    {
        var cuts = new SortedSet<int>();
        for (var i = random.Next(4); i > 0 && bytes.Length > 1; i--)
        {
            cuts.Add(1 + random.Next(bytes.Length - 1));
        }

        var parts = new List<byte[]>(cuts.Count + 1);
        var from = 0;
        foreach (var cut in cuts.Append(bytes.Length))
        {
            parts.Add(bytes[from..cut]);
            from = cut;
        }

        return Protocol.Tests.Segments.Of([.. parts]);
    }
}
