using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace ProxyCluster.Protocol.Scram;

/// <summary>
/// Strict base64 for SCRAM attribute values: the standard alphabet, padded, nothing else. The BCL decoders skip
/// whitespace, which the SCRAM grammar does not allow.
/// </summary>
internal static class ScramBase64
{
    private static readonly SearchValues<byte> s_alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8);

    public static bool TryDecode(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (utf8.Length == 0 || utf8.Length % 4 != 0)
        {
            return false;
        }

        var padding = utf8[^1] == (byte)'=' ? (utf8[^2] == (byte)'=' ? 2 : 1) : 0;
        if (utf8[..^padding].ContainsAnyExcept(s_alphabet))
        {
            return false;
        }

        var decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(utf8.Length)];
        if (Base64.DecodeFromUtf8(utf8, decoded, out _, out var written) != OperationStatus.Done)
        {
            return false;
        }

        bytes = decoded.AsSpan(0, written).ToArray();
        return true;
    }

    public static bool TryDecode(ReadOnlySpan<char> text, [NotNullWhen(true)] out byte[]? bytes)
    {
        if (!Ascii.IsValid(text))
        {
            bytes = null;
            return false;
        }

        return TryDecode(Encoding.ASCII.GetBytes(text.ToArray()), out bytes);
    }
}
