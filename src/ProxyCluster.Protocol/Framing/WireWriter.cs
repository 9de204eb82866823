using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ProxyCluster.Protocol.Framing;

/// <summary>
/// Fills one message into a span taken from an <see cref="IBufferWriter{T}"/>: the caller sizes the message
/// first (so the length field is known), then writes fields in order and commits once.
/// </summary>
public ref struct WireWriter
{
    private readonly IBufferWriter<byte> _output;
    private readonly Span<byte> _span;
    private readonly int _total;
    private int _position;

    private WireWriter(IBufferWriter<byte> output, int total)
    {
        _output = output;
        _total = total;
        _span = output.GetSpan(total)[..total];
        _position = 0;
    }

    /// <summary>Starts a typed message: code (1) + length (4) + body.</summary>
    public static WireWriter Typed(IBufferWriter<byte> output, byte code, int bodyLength)
    {
        var writer = new WireWriter(output, 1 + 4 + bodyLength);
        writer.WriteByte(code);
        writer.WriteInt32(4 + bodyLength); // the length counts itself, not the code
        return writer;
    }

    /// <summary>Starts an untyped startup-phase packet: length (4) + body; the body begins with the code.</summary>
    public static WireWriter Untyped(IBufferWriter<byte> output, int bodyLength)
    {
        var writer = new WireWriter(output, 4 + bodyLength);
        writer.WriteInt32(4 + bodyLength);
        return writer;
    }

    /// <summary>Bytes a null-terminated UTF-8 string takes on the wire.</summary>
    public static int CStringLength(string value) => Encoding.UTF8.GetByteCount(value) + 1;

    public void WriteByte(byte value) => _span[_position++] = value;

    public void WriteInt16(short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(_span[_position..], value);
        _position += 2;
    }

    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_span[_position..], value);
        _position += 4;
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_span[_position..]);
        _position += value.Length;
    }

    public void WriteCString(string value)
    {
        _position += Encoding.UTF8.GetBytes(value, _span[_position..]);
        _span[_position++] = 0;
    }

    /// <summary>Commits the message; a size mismatch is a bug in the caller's arithmetic, never a peer's fault.</summary>
    public readonly void Complete()
    {
        if (_position != _total)
        {
            throw new InvalidOperationException($"Message sized {_total} bytes but {_position} were written.");
        }

        _output.Advance(_total);
    }
}
