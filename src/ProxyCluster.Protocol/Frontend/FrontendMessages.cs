using System.Buffers;
using ProxyCluster.Protocol.Framing;

namespace ProxyCluster.Protocol.Frontend;

/// <summary>Writers for the client messages the proxy sends upstream on its own behalf (startup, auth, cancel).</summary>
public static class FrontendMessages
{
    public static void WriteStartupMessage(IBufferWriter<byte> output, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var body = 4 + 1; // protocol version + terminating empty name
        foreach (var pair in parameters)
        {
            body += WireWriter.CStringLength(pair.Key) + WireWriter.CStringLength(pair.Value);
        }

        var writer = WireWriter.Untyped(output, body);
        writer.WriteInt32(StartupCodes.ProtocolVersion3);
        foreach (var pair in parameters)
        {
            writer.WriteCString(pair.Key);
            writer.WriteCString(pair.Value);
        }

        writer.WriteByte(0);
        writer.Complete();
    }

    public static void WriteSslRequest(IBufferWriter<byte> output)
    {
        var writer = WireWriter.Untyped(output, 4); // request code
        writer.WriteInt32(StartupCodes.SslRequest);
        writer.Complete();
    }

    public static void WriteCancelRequest(IBufferWriter<byte> output, CancelRequest request)
    {
        var writer = WireWriter.Untyped(output, 4 + 4 + 4); // code + pid + key
        writer.WriteInt32(StartupCodes.CancelRequest);
        writer.WriteInt32(request.ProcessId);
        writer.WriteInt32(request.SecretKey);
        writer.Complete();
    }

    public static void WritePasswordMessage(IBufferWriter<byte> output, string password)
    {
        var writer = WireWriter.Typed(output, (byte)FrontendCode.Password, WireWriter.CStringLength(password));
        writer.WriteCString(password);
        writer.Complete();
    }

    public static void WriteSaslInitialResponse(IBufferWriter<byte> output, string mechanism, ReadOnlySpan<byte> data)
    {
        var writer = WireWriter.Typed(output, (byte)FrontendCode.Password, WireWriter.CStringLength(mechanism) + 4 + data.Length); // name + data length + data
        writer.WriteCString(mechanism);
        writer.WriteInt32(data.Length);
        writer.WriteBytes(data);
        writer.Complete();
    }

    public static void WriteSaslResponse(IBufferWriter<byte> output, ReadOnlySpan<byte> data)
    {
        var writer = WireWriter.Typed(output, (byte)FrontendCode.Password, data.Length);
        writer.WriteBytes(data);
        writer.Complete();
    }

    /// <summary>Parse with no declared parameter types: statement name, SQL, Int16 0.</summary>
    public static void WriteParse(IBufferWriter<byte> output, string statementName, string sql)
    {
        var writer = WireWriter.Typed(output, (byte)FrontendCode.Parse, WireWriter.CStringLength(statementName) + WireWriter.CStringLength(sql) + 2);
        writer.WriteCString(statementName);
        writer.WriteCString(sql);
        writer.WriteInt16(0);
        writer.Complete();
    }

    public static void WriteQuery(IBufferWriter<byte> output, string sql)
    {
        var writer = WireWriter.Typed(output, (byte)FrontendCode.Query, WireWriter.CStringLength(sql));
        writer.WriteCString(sql);
        writer.Complete();
    }

    public static void WriteTerminate(IBufferWriter<byte> output)
    {
        var writer = WireWriter.Typed(output, (byte)FrontendCode.Terminate, 0);
        writer.Complete();
    }
}
