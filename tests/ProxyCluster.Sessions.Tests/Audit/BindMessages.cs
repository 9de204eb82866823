using System.Buffers.Binary;
using System.Text;

namespace ProxyCluster.Sessions.Tests.Audit;

/// <summary>Bind messages built field by field, as the protocol chapter lays them out.</summary>
internal static class BindMessages
{
    /// <summary>'B', length, portal\0, statement\0, Int16 format count, formats, Int16 value count, each (Int32 length | -1, bytes), Int16 0 result formats.</summary>
    public static byte[] Bind(string portal, string statement, short[] formats, params byte[]?[] values)
    {
        using var body = new MemoryStream();
        Write(body, Encoding.UTF8.GetBytes(portal));
        body.WriteByte(0);
        Write(body, Encoding.UTF8.GetBytes(statement));
        body.WriteByte(0);
        Int16(body, (short)formats.Length);
        foreach (var format in formats)
        {
            Int16(body, format);
        }

        Int16(body, (short)values.Length);
        foreach (var value in values)
        {
            Int32(body, value?.Length ?? -1);
            if (value is not null)
            {
                Write(body, value);
            }
        }

        Int16(body, 0);
        return Support.Wire.Message('B', body.ToArray());
    }

    /// <summary>An Execute of <paramref name="portal"/> with no row limit.</summary>
    public static byte[] Execute(string portal)
    {
        var name = Encoding.UTF8.GetBytes(portal);
        var body = new byte[name.Length + 1 + 4];
        name.CopyTo(body, 0);
        return Support.Wire.Message('E', body);
    }

    public static byte[] Text(string value) => Encoding.UTF8.GetBytes(value);

    private static void Write(MemoryStream stream, byte[] bytes) => stream.Write(bytes);

    private static void Int16(MemoryStream stream, short value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteInt16BigEndian(bytes, value);
        stream.Write(bytes);
    }

    private static void Int32(MemoryStream stream, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        stream.Write(bytes);
    }
}
