using System.Globalization;
using System.Text;

namespace ProxyCluster.Sql.Native;

/// <summary>
/// libpg_query's normalization replaces literals only where pg_stat_statements would: utility statements keep
/// theirs (<c>NOTIFY c, 'x'</c>, <c>COPY t FROM '/path'</c>, <c>PREPARE p AS SELECT 'x'</c>, <c>COMMENT … IS 'x'</c>),
/// and comments stay as written. The audit trail must never hold a literal, so the normalized text is rebuilt from
/// the real scanner's tokens: every remaining constant becomes the next <c>$n</c>, and comments are dropped.
/// </summary>
internal static unsafe class LiteralRedactor
{
    /// <summary>The text with only the scanner's tokens, constants replaced; null when it cannot be scanned.</summary>
    public static string? Redact(string normalized)
    {
        var utf8 = new byte[Encoding.UTF8.GetByteCount(normalized) + 1];
        Encoding.UTF8.GetBytes(normalized, utf8);
        List<ScanToken> tokens;
        fixed (byte* input = utf8)
        {
            var scan = PgQueryNative.Scan(input);
            try
            {
                if (scan.Error is not null || scan.ProtobufData is null)
                {
                    return null;
                }

                tokens = ScanTokens.Read(new ReadOnlySpan<byte>(scan.ProtobufData, checked((int)scan.ProtobufLength)));
            }
            catch (FormatException)
            {
                return null;
            }
            finally
            {
                PgQueryNative.FreeScanResult(scan);
            }
        }

        var next = 1 + HighestParameter(utf8, tokens);
        var text = new StringBuilder(normalized.Length);
        var previousEnd = 0;
        foreach (var token in tokens)
        {
            if (ScanTokens.IsComment(token.Token))
            {
                continue; // free text: anything may be written in a comment, a password included
            }

            if (token.Start > previousEnd && text.Length > 0)
            {
                text.Append(' '); // whatever separated the tokens (whitespace, a comment) becomes one space
            }

            if (ScanTokens.IsConstant(token.Token))
            {
                text.Append('$').Append(next++.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(Encoding.UTF8.GetString(utf8, token.Start, token.End - token.Start));
            }

            previousEnd = token.End;
        }

        return text.ToString();
    }

    private static int HighestParameter(byte[] utf8, List<ScanToken> tokens)
    {
        var highest = 0;
        foreach (var token in tokens)
        {
            if (token.Token == ScanTokens.Param &&
                int.TryParse(utf8.AsSpan(token.Start + 1, token.End - token.Start - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                highest = Math.Max(highest, number);
            }
        }

        return highest;
    }
}
