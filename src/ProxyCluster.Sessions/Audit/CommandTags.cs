using System.Buffers;

namespace ProxyCluster.Sessions.Audit;

/// <summary>Reads the row count out of a CommandComplete tag (<c>SELECT 5</c>, <c>INSERT 0 3</c>, <c>COPY 10</c>) without allocating.</summary>
public static class CommandTags
{
    /// <summary>The tag's trailing number, or null when it has none (<c>CREATE TABLE</c>, <c>BEGIN</c>).</summary>
    public static long? RowCount(ReadOnlySequence<byte> body)
    {
        Span<byte> tag = stackalloc byte[64];
        var length = (int)Math.Min(body.Length, tag.Length);
        body.Slice(0, length).CopyTo(tag);
        var text = tag[..length];
        var end = text.IndexOf((byte)0);
        if (end < 0)
        {
            return null; // longer than any tag with a count; not one
        }

        text = text[..end];
        var digitsStart = text.Length;
        while (digitsStart > 0 && text[digitsStart - 1] is >= (byte)'0' and <= (byte)'9')
        {
            digitsStart--;
        }

        if (digitsStart == text.Length || digitsStart == 0 || text[digitsStart - 1] != (byte)' ' || text.Length - digitsStart > 18)
        {
            return null;
        }

        long rows = 0;
        foreach (var digit in text[digitsStart..])
        {
            rows = (rows * 10) + (digit - '0');
        }

        return rows;
    }
}
