using System.Buffers;
using System.Text;

namespace ProxyCluster.Protocol.Frontend;

/// <summary>
/// Decoders for the client messages the proxy must look inside: the SQL of Query and Parse (for policy) and
/// the authentication messages. Everything else is forwarded without being decoded.
/// </summary>
public static class FrontendReaders
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Query: the SQL as one C string. Invalid UTF-8 is refused: the proxy must read what the server will.</summary>
    public static bool TryReadQuery(ReadOnlySequence<byte> body, out string sql)
    {
        sql = string.Empty;
        var reader = new SequenceReader<byte>(body);
        return reader.TryReadTo(out ReadOnlySequence<byte> text, 0) && reader.End && TryDecode(text, out sql);
    }

    /// <summary>Parse: statement name, SQL, then parameter type OIDs (which the proxy does not need).</summary>
    public static bool TryReadParse(ReadOnlySequence<byte> body, out string statementName, out string sql)
    {
        statementName = sql = string.Empty;
        var reader = new SequenceReader<byte>(body);
        return reader.TryReadTo(out ReadOnlySequence<byte> name, 0)
            && reader.TryReadTo(out ReadOnlySequence<byte> text, 0)
            && TryDecode(name, out statementName)
            && TryDecode(text, out sql);
    }

    /// <summary>PasswordMessage: one C string (cleartext password or token).</summary>
    public static bool TryReadPassword(ReadOnlySequence<byte> body, out string password)
    {
        password = string.Empty;
        var reader = new SequenceReader<byte>(body);
        return reader.TryReadTo(out ReadOnlySequence<byte> text, 0) && reader.End && TryDecode(text, out password);
    }

    /// <summary>SASLInitialResponse: mechanism name, Int32 length of the data (-1 for none), data.</summary>
    public static bool TryReadSaslInitialResponse(ReadOnlySequence<byte> body, out string mechanism, out byte[] data)
    {
        mechanism = string.Empty;
        data = [];
        var reader = new SequenceReader<byte>(body);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> name, 0) || !reader.TryReadBigEndian(out int length) || !TryDecode(name, out mechanism))
        {
            return false;
        }

        if (length == -1)
        {
            return reader.End;
        }

        if (length < 0 || reader.Remaining != length)
        {
            return false;
        }

        data = reader.UnreadSequence.ToArray();
        return true;
    }

    /// <summary>SASLResponse: the rest of the message is the mechanism's data.</summary>
    public static byte[] ReadSaslResponse(ReadOnlySequence<byte> body) => body.ToArray();

    public static bool TryDecode(ReadOnlySequence<byte> bytes, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }
}
