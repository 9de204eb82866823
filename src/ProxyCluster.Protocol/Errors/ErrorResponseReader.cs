using System.Buffers;
using System.Text;

namespace ProxyCluster.Protocol.Errors;

/// <summary>Decodes the body of an ErrorResponse or NoticeResponse. Only used off the hot path (errors are rare).</summary>
public static class ErrorResponseReader
{
    public static bool TryRead(ReadOnlySequence<byte> body, out PostgresError? error)
    {
        error = null;
        var fields = new List<KeyValuePair<ErrorField, string>>(8);
        var reader = new SequenceReader<byte>(body);
        while (reader.TryRead(out var type))
        {
            if (type == 0)
            {
                error = new PostgresError(fields);
                return reader.End;
            }

            if (!reader.TryReadTo(out ReadOnlySequence<byte> value, 0))
            {
                return false;
            }

            fields.Add(new((ErrorField)type, Encoding.UTF8.GetString(value)));
        }

        return false;
    }

    /// <summary>
    /// The SQLSTATE of an ErrorResponse from the start of its body only: for an error too long to be read whole
    /// (a message quoting a large value), whose fields stream through unread. False when the prefix ends before the
    /// code field, or the code is not five characters.
    /// </summary>
    public static bool TryReadSqlState(ReadOnlySequence<byte> bodyPrefix, out string sqlState)
    {
        sqlState = string.Empty;
        var reader = new SequenceReader<byte>(bodyPrefix);
        while (reader.TryRead(out var type) && type != 0)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> value, 0))
            {
                return false;
            }

            if (type == (byte)ErrorField.Code)
            {
                if (value.Length != 5)
                {
                    return false;
                }

                sqlState = Encoding.ASCII.GetString(value);
                return true;
            }
        }

        return false;
    }
}
