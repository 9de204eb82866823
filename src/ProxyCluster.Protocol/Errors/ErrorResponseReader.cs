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
}
