namespace ProxyCluster.Tokens;

/// <summary>
/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the zlib/PNG checksum. System.IO.Hashing is a separate
/// package; a token checksum needs only this table-driven loop over 60 ASCII characters.
/// </summary>
internal static class Crc32
{
    private const uint Polynomial = 0xEDB88320u;

    private static readonly uint[] Table = CreateTable();

    /// <summary>The CRC-32 of the characters' low bytes; callers pass ASCII only.</summary>
    public static uint OfAscii(ReadOnlySpan<char> text)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var c in text)
        {
            crc = Table[(byte)(crc ^ c)] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < table.Length; n++)
        {
            var c = n;
            for (var bit = 0; bit < 8; bit++)
            {
                c = (c & 1) != 0 ? Polynomial ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
