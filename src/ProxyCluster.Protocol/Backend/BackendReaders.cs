using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using ProxyCluster.Protocol.Framing;

namespace ProxyCluster.Protocol.Backend;

/// <summary>
/// Decoders for the few server messages the proxy looks inside: authentication requests and the parameter
/// and key messages of the startup phase, and the status byte of ReadyForQuery on the relay path.
/// </summary>
public static class BackendReaders
{
    public static bool TryReadAuthenticationCode(ReadOnlySequence<byte> body, out AuthenticationCode code)
    {
        code = default;
        var reader = new SequenceReader<byte>(body);
        if (!reader.TryReadBigEndian(out int value))
        {
            return false;
        }

        code = (AuthenticationCode)value;
        return true;
    }

    /// <summary>The bytes after the authentication code (SASL data, MD5 salt, mechanism list).</summary>
    public static ReadOnlySequence<byte> AuthenticationData(ReadOnlySequence<byte> body) => body.Slice(4);

    /// <summary>The mechanism names of an AuthenticationSASL message.</summary>
    public static bool TryReadSaslMechanisms(ReadOnlySequence<byte> body, out List<string> mechanisms)
    {
        mechanisms = [];
        var reader = new SequenceReader<byte>(AuthenticationData(body));
        while (reader.TryReadTo(out ReadOnlySequence<byte> name, 0))
        {
            if (name.IsEmpty)
            {
                return reader.End;
            }

            mechanisms.Add(Encoding.UTF8.GetString(name));
        }

        return false;
    }

    public static bool TryReadParameterStatus(ReadOnlySequence<byte> body, out string name, out string value)
    {
        name = value = string.Empty;
        var reader = new SequenceReader<byte>(body);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> nameBytes, 0) || !reader.TryReadTo(out ReadOnlySequence<byte> valueBytes, 0) || !reader.End)
        {
            return false;
        }

        name = Encoding.UTF8.GetString(nameBytes);
        value = Encoding.UTF8.GetString(valueBytes);
        return true;
    }

    public static bool TryReadBackendKeyData(ReadOnlySequence<byte> body, out int processId, out int secretKey)
    {
        secretKey = 0;
        var reader = new SequenceReader<byte>(body);
        return reader.TryReadBigEndian(out processId) & reader.TryReadBigEndian(out secretKey) && reader.End;
    }

    /// <summary>Status byte of a whole ReadyForQuery message ('Z', length 5, status).</summary>
    public static TransactionStatus ReadyForQueryStatus(in MessageFrame frame)
    {
        // A SequenceReader, not FirstSpan: a slice that starts on a segment boundary can have an empty first span.
        var reader = new SequenceReader<byte>(frame.Body);
        return reader.TryRead(out var status) ? (TransactionStatus)status : TransactionStatus.Idle;
    }
}
