namespace ProxyCluster.Sql.Native;

/// <summary>One token of libpg_query's scanner: byte offsets into the scanned UTF-8 and its token number.</summary>
internal readonly record struct ScanToken(int Start, int End, int Token);

/// <summary>
/// Reads the <c>ScanResult</c> protobuf that <c>pg_query_scan</c> returns (pg_query.proto: ScanResult { version = 1;
/// repeated ScanToken tokens = 2 }, ScanToken { start = 1; end = 2; token = 4; keyword_kind = 5 }). Only varints
/// and length-delimited fields occur; anything else is skipped by its wire type.
/// </summary>
internal static class ScanTokens
{
    // Token numbers from pg_query.proto's enum Token (libpg_query 15).
    public const int Fconst = 260;
    public const int Sconst = 261;
    public const int Usconst = 262;
    public const int Bconst = 263;
    public const int Xconst = 264;
    public const int Iconst = 266;
    public const int Param = 267;
    public const int SqlComment = 275;
    public const int CComment = 276;

    public static bool IsConstant(int token) => token is Fconst or Sconst or Usconst or Bconst or Xconst or Iconst;

    /// <summary>The scanner reports comments as tokens of their own.</summary>
    public static bool IsComment(int token) => token is SqlComment or CComment;

    public static List<ScanToken> Read(ReadOnlySpan<byte> scanResult)
    {
        var tokens = new List<ScanToken>();
        var position = 0;
        while (position < scanResult.Length)
        {
            var (field, wireType) = ReadKey(scanResult, ref position);
            if (field == 2 && wireType == 2)
            {
                var length = (int)ReadVarint(scanResult, ref position);
                tokens.Add(ReadToken(scanResult.Slice(position, length)));
                position += length;
            }
            else
            {
                Skip(scanResult, wireType, ref position);
            }
        }

        return tokens;
    }

    private static ScanToken ReadToken(ReadOnlySpan<byte> message)
    {
        int start = 0, end = 0, token = 0;
        var position = 0;
        while (position < message.Length)
        {
            var (field, wireType) = ReadKey(message, ref position);
            if (wireType != 0)
            {
                Skip(message, wireType, ref position);
                continue;
            }

            var value = (int)ReadVarint(message, ref position);
            switch (field)
            {
                case 1: start = value; break;
                case 2: end = value; break;
                case 4: token = value; break;
            }
        }

        return new ScanToken(start, end, token);
    }

    private static (int Field, int WireType) ReadKey(ReadOnlySpan<byte> data, ref int position)
    {
        var key = ReadVarint(data, ref position);
        return ((int)(key >> 3), (int)(key & 7));
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length)
            {
                throw new FormatException("truncated varint in the scanner's output");
            }

            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new FormatException("overlong varint in the scanner's output");
    }

    private static void Skip(ReadOnlySpan<byte> data, int wireType, ref int position)
    {
        switch (wireType)
        {
            case 0: ReadVarint(data, ref position); break;
            case 1: position += 8; break;
            case 2: position += (int)ReadVarint(data, ref position); break;
            case 5: position += 4; break;
            default: throw new FormatException($"unexpected protobuf wire type {wireType} in the scanner's output");
        }
    }
}
