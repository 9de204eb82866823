using System.Buffers.Binary;
using System.Text;
using ProxyCluster.Audit;

namespace ProxyCluster.Sessions.Audit;

/// <summary>
/// The parameter values of a Bind, for a route that records them. Reads what follows the portal and statement
/// names — format codes, then each value as a length and its bytes — from as much of the message as the relay
/// showed us: a value cut off by that window, or longer than <see cref="MaxValueBytes"/>, is recorded as far as it
/// was seen and marked truncated; values wholly beyond it are recorded as unseen. Nothing here trusts the counts:
/// a malformed Bind gives null (the server will refuse it anyway).
/// </summary>
internal static class BindParameters
{
    /// <summary>At most this many bytes of one value are recorded (a binary value becomes twice as many hex digits).</summary>
    public const int MaxValueBytes = 256;

    /// <param name="afterNames">The Bind's body after the statement name's terminator, possibly cut short.</param>
    /// <param name="isWhole">True when <paramref name="afterNames"/> reaches the end of the message.</param>
    /// <param name="types">The parameter type OIDs the statement's Parse named (0 or missing: unspecified).</param>
    public static AuditParameter[]? Read(ReadOnlySpan<byte> afterNames, bool isWhole, ReadOnlySpan<uint> types = default)
    {
        if (!TryReadCount(ref afterNames, out var formatCount) || afterNames.Length < formatCount * 2)
        {
            return null;
        }

        var formats = afterNames[..(formatCount * 2)];
        afterNames = afterNames[(formatCount * 2)..];
        if (!TryReadCount(ref afterNames, out var parameterCount) || (formatCount > 1 && formatCount != parameterCount))
        {
            return null;
        }

        var parameters = new AuditParameter[parameterCount];
        for (var i = 0; i < parameterCount; i++)
        {
            if (afterNames.Length < 4)
            {
                if (isWhole)
                {
                    return null; // the message says there are more values than it holds
                }

                parameters.AsSpan(i).Fill(AuditParameter.Unseen);
                break;
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(afterNames);
            afterNames = afterNames[4..];
            if (length == -1)
            {
                parameters[i] = AuditParameter.Null;
                continue;
            }

            if (length < 0 || (isWhole && length > afterNames.Length))
            {
                return null;
            }

            var seen = Math.Min(Math.Min(length, afterNames.Length), MaxValueBytes);
            var binary = formatCount > 0 && BinaryPrimitives.ReadInt16BigEndian(formats[(formatCount == 1 ? 0 : i * 2)..]) == 1;
            parameters[i] = Value(afterNames[..seen], binary, truncated: seen < length, i < types.Length ? types[i] : 0);
            afterNames = afterNames[Math.Min(length, afterNames.Length)..];
        }

        return parameters;
    }

    private static AuditParameter Value(ReadOnlySpan<byte> seen, bool binary, bool truncated, uint type)
    {
        if (!binary || (truncated && BinaryValueText.IsText(type)))
        {
            return new AuditParameter(Text(seen, truncated), Truncated: truncated);
        }

        return !truncated && BinaryValueText.TryRender(type, seen, out var text)
            ? new AuditParameter(text)
            : new AuditParameter(Convert.ToHexStringLower(seen), Binary: true, truncated);
    }

    private static bool TryReadCount(ref ReadOnlySpan<byte> bytes, out int count)
    {
        if (bytes.Length < 2)
        {
            count = 0;
            return false;
        }

        count = BinaryPrimitives.ReadInt16BigEndian(bytes);
        bytes = bytes[2..];
        return count >= 0;
    }

    private static string Text(ReadOnlySpan<byte> value, bool truncated)
    {
        if (!truncated)
        {
            return Encoding.UTF8.GetString(value);
        }

        // A value cut in the middle of a UTF-8 sequence loses that partial character rather than showing U+FFFD.
        var end = value.Length;
        var back = 0;
        while (end > 0 && back < 3 && (value[end - 1] & 0xC0) == 0x80)
        {
            end--;
            back++;
        }

        if (end > 0 && value[end - 1] >= 0xC0 && SequenceLength(value[end - 1]) > value.Length - (end - 1))
        {
            value = value[..(end - 1)];
        }

        return Encoding.UTF8.GetString(value);
    }

    private static int SequenceLength(byte lead) => lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
}
