using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using ProxyCluster.Protocol.Errors;

namespace ProxyCluster.Sessions.Tests.Support;

/// <summary>Builds and takes apart wire bytes for tests; the proxy's own writers are used wherever one exists.</summary>
internal static class Wire
{
    /// <summary>The bound on every await in these tests: generous for a loaded machine, short enough to fail fast.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static byte[] Written(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A typed message: code (1) + Int32 length (4, counting itself) + body.</summary>
    public static byte[] Message(char code, ReadOnlySpan<byte> body)
    {
        var message = new byte[1 + 4 + body.Length];
        message[0] = (byte)code;
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), 4 + body.Length);
        body.CopyTo(message.AsSpan(5));
        return message;
    }

    /// <summary>A typed message whose body is <paramref name="bodyLength"/> bytes of a recognisable pattern.</summary>
    public static byte[] Message(char code, int bodyLength)
    {
        var body = new byte[bodyLength];
        for (var i = 0; i < body.Length; i++)
        {
            body[i] = (byte)(i * 31 + 7);
        }

        return Message(code, body);
    }

    /// <summary>Only the header of a typed message: code + a length word, with no body.</summary>
    public static byte[] Header(char code, int length)
    {
        var header = new byte[5];
        header[0] = (byte)code;
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), length);
        return header;
    }

    /// <summary>An untyped startup-phase packet: Int32 length (counting itself), then each Int32 field (the code first).</summary>
    public static byte[] Untyped(params int[] fields)
    {
        var packet = new byte[4 + 4 * fields.Length];
        BinaryPrimitives.WriteInt32BigEndian(packet, packet.Length);
        for (var i = 0; i < fields.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(4 + 4 * i), fields[i]);
        }

        return packet;
    }

    /// <summary>A StartupMessage for any protocol version (the proxy's writer only speaks 3.0).</summary>
    public static byte[] StartupPacket(int protocolVersion, params (string Name, string Value)[] parameters)
    {
        var body = new List<byte>();
        foreach (var (name, value) in parameters)
        {
            body.AddRange(Encoding.UTF8.GetBytes(name));
            body.Add(0);
            body.AddRange(Encoding.UTF8.GetBytes(value));
            body.Add(0);
        }

        body.Add(0);
        var packet = new byte[8 + body.Count];
        BinaryPrimitives.WriteInt32BigEndian(packet, packet.Length);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(4), protocolVersion);
        body.CopyTo(packet, 8);
        return packet;
    }

    public static int Int32At(byte[] bytes, int offset) => BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(offset));

    /// <summary>The fields of a whole ErrorResponse or NoticeResponse message.</summary>
    public static PostgresError Error(byte[] message)
    {
        Assert.True(message[0] is (byte)'E' or (byte)'N', $"expected ErrorResponse, got '{(char)message[0]}'");
        Assert.True(ErrorResponseReader.TryRead(new ReadOnlySequence<byte>(message, 5, message.Length - 5), out var error));
        return error!;
    }
}
