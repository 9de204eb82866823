using System.Buffers;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Framing;

namespace ProxyCluster.Protocol.Backend;

/// <summary>Writers for the server messages the proxy produces itself (everything else is forwarded as received).</summary>
public static class BackendMessages
{
    public static void WriteAuthenticationOk(IBufferWriter<byte> output) => WriteAuthentication(output, AuthenticationCode.Ok, []);

    public static void WriteAuthenticationCleartextPassword(IBufferWriter<byte> output) =>
        WriteAuthentication(output, AuthenticationCode.CleartextPassword, []);

    public static void WriteAuthenticationSaslContinue(IBufferWriter<byte> output, ReadOnlySpan<byte> data) =>
        WriteAuthentication(output, AuthenticationCode.SaslContinue, data);

    public static void WriteAuthenticationSaslFinal(IBufferWriter<byte> output, ReadOnlySpan<byte> data) =>
        WriteAuthentication(output, AuthenticationCode.SaslFinal, data);

    /// <summary>AuthenticationSASL: code 10, then each mechanism name as a C string, then an empty string.</summary>
    public static void WriteAuthenticationSasl(IBufferWriter<byte> output, IReadOnlyList<string> mechanisms)
    {
        var body = 4 + 1; // auth code + list terminator
        foreach (var mechanism in mechanisms)
        {
            body += WireWriter.CStringLength(mechanism);
        }

        var writer = WireWriter.Typed(output, (byte)BackendCode.Authentication, body);
        writer.WriteInt32((int)AuthenticationCode.Sasl);
        foreach (var mechanism in mechanisms)
        {
            writer.WriteCString(mechanism);
        }

        writer.WriteByte(0);
        writer.Complete();
    }

    public static void WriteParameterStatus(IBufferWriter<byte> output, string name, string value)
    {
        var writer = WireWriter.Typed(output, (byte)BackendCode.ParameterStatus, WireWriter.CStringLength(name) + WireWriter.CStringLength(value));
        writer.WriteCString(name);
        writer.WriteCString(value);
        writer.Complete();
    }

    public static void WriteBackendKeyData(IBufferWriter<byte> output, int processId, int secretKey)
    {
        var writer = WireWriter.Typed(output, (byte)BackendCode.BackendKeyData, 4 + 4); // pid + key
        writer.WriteInt32(processId);
        writer.WriteInt32(secretKey);
        writer.Complete();
    }

    /// <summary>
    /// NegotiateProtocolVersion: the newest minor version of major 3 this side speaks, and the <c>_pq_.</c> protocol
    /// options it did not recognise. Sent instead of failing when a client asks for 3.x with x above ours.
    /// </summary>
    public static void WriteNegotiateProtocolVersion(IBufferWriter<byte> output, int newestMinorVersion, IReadOnlyList<string> unrecognizedOptions)
    {
        var body = 4 + 4; // minor version + option count
        foreach (var option in unrecognizedOptions)
        {
            body += WireWriter.CStringLength(option);
        }

        var writer = WireWriter.Typed(output, (byte)BackendCode.NegotiateProtocolVersion, body);
        writer.WriteInt32(newestMinorVersion);
        writer.WriteInt32(unrecognizedOptions.Count);
        foreach (var option in unrecognizedOptions)
        {
            writer.WriteCString(option);
        }

        writer.Complete();
    }

    public static void WriteReadyForQuery(IBufferWriter<byte> output, TransactionStatus status)
    {
        var writer = WireWriter.Typed(output, (byte)BackendCode.ReadyForQuery, 1);
        writer.WriteByte((byte)status);
        writer.Complete();
    }

    public static void WriteCommandComplete(IBufferWriter<byte> output, string tag)
    {
        var writer = WireWriter.Typed(output, (byte)BackendCode.CommandComplete, WireWriter.CStringLength(tag));
        writer.WriteCString(tag);
        writer.Complete();
    }

    public static void WriteErrorResponse(IBufferWriter<byte> output, PostgresError error) =>
        WriteFields(output, BackendCode.ErrorResponse, error);

    public static void WriteNoticeResponse(IBufferWriter<byte> output, PostgresError notice) =>
        WriteFields(output, BackendCode.NoticeResponse, notice);

    /// <summary>Field type (1) + value as C string, per field, then a terminating zero byte.</summary>
    private static void WriteFields(IBufferWriter<byte> output, BackendCode code, PostgresError error)
    {
        var body = 1; // terminator
        foreach (var field in error.Fields)
        {
            body += 1 + WireWriter.CStringLength(field.Value);
        }

        var writer = WireWriter.Typed(output, (byte)code, body);
        foreach (var field in error.Fields)
        {
            writer.WriteByte((byte)field.Key);
            writer.WriteCString(field.Value);
        }

        writer.WriteByte(0);
        writer.Complete();
    }

    private static void WriteAuthentication(IBufferWriter<byte> output, AuthenticationCode code, ReadOnlySpan<byte> data)
    {
        var writer = WireWriter.Typed(output, (byte)BackendCode.Authentication, 4 + data.Length); // auth code + data
        writer.WriteInt32((int)code);
        writer.WriteBytes(data);
        writer.Complete();
    }
}
