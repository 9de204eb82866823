using System.Buffers.Binary;
using System.Text;

namespace ProxyCluster.Node.Tests.Otlp;

/// <summary>One protobuf field as it is on the wire: varint and fixed values in <see cref="Value"/>, length-delimited ones in <see cref="Bytes"/>.</summary>
internal readonly record struct ProtoField(int Number, int WireType, ulong Value, ReadOnlyMemory<byte> Bytes)
{
    public string AsString => Encoding.UTF8.GetString(Bytes.Span);

    public double AsDouble => BitConverter.UInt64BitsToDouble(Value);

    /// <summary>The elements of a repeated fixed64/double field, packed (one length-delimited field) or not.</summary>
    public IEnumerable<ulong> Fixed64s()
    {
        if (WireType == ProtoWire.Fixed64)
        {
            yield return Value;
            yield break;
        }

        for (var at = 0; at < Bytes.Length; at += 8)
        {
            yield return BinaryPrimitives.ReadUInt64LittleEndian(Bytes.Span[at..]);
        }
    }
}

/// <summary>
/// Just enough of the protobuf wire format to read what an OTLP exporter sends, with no generated code: a message
/// is a sequence of (field number, wire type) keys each followed by a varint, 8 or 4 bytes, or a length and bytes.
/// </summary>
internal static class ProtoWire
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    public static List<ProtoField> Fields(ReadOnlyMemory<byte> message)
    {
        var fields = new List<ProtoField>();
        var at = 0;
        while (at < message.Length)
        {
            var key = ReadVarint(message.Span, ref at);
            var number = (int)(key >> 3);
            var wireType = (int)(key & 7);
            switch (wireType)
            {
                case Varint:
                    fields.Add(new ProtoField(number, wireType, ReadVarint(message.Span, ref at), default));
                    break;
                case Fixed64:
                    fields.Add(new ProtoField(number, wireType, BinaryPrimitives.ReadUInt64LittleEndian(message.Span[at..]), default));
                    at += 8;
                    break;
                case LengthDelimited:
                    var length = checked((int)ReadVarint(message.Span, ref at));
                    fields.Add(new ProtoField(number, wireType, 0, message.Slice(at, length)));
                    at += length;
                    break;
                case Fixed32:
                    fields.Add(new ProtoField(number, wireType, BinaryPrimitives.ReadUInt32LittleEndian(message.Span[at..]), default));
                    at += 4;
                    break;
                default:
                    throw new InvalidDataException($"wire type {wireType} (field {number}) is not one this walker reads");
            }
        }

        return fields;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = span[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("varint longer than 10 bytes");
    }
}
