using System.Buffers;

namespace ProxyCluster.Tokens;

/// <summary>
/// Fixed-width base62 (digits, then upper case, then lower case: ASCII order) of big-endian unsigned numbers,
/// left-padded with '0'. Characters that survive double-click selection, URLs and shell quoting unchanged.
/// </summary>
internal static class Base62
{
    public const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static readonly SearchValues<char> AlphabetValues = SearchValues.Create(Alphabet);

    /// <summary>
    /// Writes <paramref name="value"/> (big-endian) into exactly <paramref name="destination"/>.Length characters.
    /// Throws when the number does not fit.
    /// </summary>
    public static void Encode(ReadOnlySpan<byte> value, Span<char> destination)
    {
        Span<byte> work = stackalloc byte[value.Length];
        value.CopyTo(work);
        try
        {
            for (var i = destination.Length - 1; i >= 0; i--)
            {
                destination[i] = Alphabet[DivideInPlace(work, 62)];
            }

            if (work.ContainsAnyExcept((byte)0))
            {
                throw new ArgumentException("the value does not fit the destination width", nameof(destination));
            }
        }
        finally
        {
            // The value is usually a token secret.
            work.Clear();
        }
    }

    public static void Encode(uint value, Span<char> destination)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = Alphabet[(int)(value % 62)];
            value /= 62;
        }

        if (value != 0)
        {
            throw new ArgumentException("the value does not fit the destination width", nameof(destination));
        }
    }

    public static bool IsBase62(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(AlphabetValues);

    /// <summary>Divides the big-endian number in place; returns the remainder.</summary>
    private static int DivideInPlace(Span<byte> number, int divisor)
    {
        var remainder = 0;
        for (var i = 0; i < number.Length; i++)
        {
            var current = (remainder << 8) | number[i];
            number[i] = (byte)(current / divisor);
            remainder = current % divisor;
        }

        return remainder;
    }
}
