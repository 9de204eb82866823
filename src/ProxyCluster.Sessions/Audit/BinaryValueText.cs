using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace ProxyCluster.Sessions.Audit;

/// <summary>
/// Renders a binary-format parameter of a common type as PostgreSQL's own text output would show it, so an audit
/// record says <c>42</c> rather than <c>0000002a</c>. Drivers such as Npgsql send most values in binary and name
/// each parameter's type in Parse. Any other type, or a value of the wrong size, is left to the caller (hex).
/// </summary>
internal static class BinaryValueText
{
    private const uint Bool = 16, Name = 19, Int8 = 20, Int2 = 21, Int4 = 23, Text = 25, Oid = 26, Json = 114;
    private const uint Float4 = 700, Float8 = 701, Unknown = 705, Bpchar = 1042, Varchar = 1043;
    private const uint Date = 1082, Timestamp = 1114, TimestampTz = 1184, Uuid = 2950, Jsonb = 3802;

    // PostgreSQL counts dates and timestamps from 2000-01-01.
    private static readonly DateTime Epoch = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Types whose binary format is their text in UTF-8 (jsonb aside), so a cut value can still be shown as text.</summary>
    public static bool IsText(uint type) => type is Text or Varchar or Bpchar or Name or Json or Unknown;

    public static bool TryRender(uint type, ReadOnlySpan<byte> value, out string text)
    {
        string? rendered;
        try
        {
            rendered = type switch
            {
                Bool when value.Length == 1 => value[0] != 0 ? "t" : "f",
                Int2 when value.Length == 2 => BinaryPrimitives.ReadInt16BigEndian(value).ToString(CultureInfo.InvariantCulture),
                Int4 when value.Length == 4 => BinaryPrimitives.ReadInt32BigEndian(value).ToString(CultureInfo.InvariantCulture),
                Oid when value.Length == 4 => BinaryPrimitives.ReadUInt32BigEndian(value).ToString(CultureInfo.InvariantCulture),
                Int8 when value.Length == 8 => BinaryPrimitives.ReadInt64BigEndian(value).ToString(CultureInfo.InvariantCulture),
                Float4 when value.Length == 4 => BinaryPrimitives.ReadSingleBigEndian(value).ToString("R", CultureInfo.InvariantCulture),
                Float8 when value.Length == 8 => BinaryPrimitives.ReadDoubleBigEndian(value).ToString("R", CultureInfo.InvariantCulture),
                Text or Varchar or Bpchar or Name or Json or Unknown => StrictUtf8.GetString(value),
                Jsonb when value.Length >= 1 && value[0] == 1 => StrictUtf8.GetString(value[1..]),
                Uuid when value.Length == 16 => new Guid(value, bigEndian: true).ToString(),
                Date when value.Length == 4 => DateText(BinaryPrimitives.ReadInt32BigEndian(value)),
                Timestamp when value.Length == 8 => TimestampText(BinaryPrimitives.ReadInt64BigEndian(value), null),
                TimestampTz when value.Length == 8 => TimestampText(BinaryPrimitives.ReadInt64BigEndian(value), "+00"),
                _ => null,
            };
        }
        catch (Exception exception) when (exception is DecoderFallbackException or ArgumentOutOfRangeException or OverflowException)
        {
            rendered = null; // not UTF-8, or a date beyond what .NET represents: shown as hex
        }

        text = rendered ?? string.Empty;
        return rendered is not null;
    }

    private static string DateText(int days) => days switch
    {
        int.MaxValue => "infinity",
        int.MinValue => "-infinity",
        _ => Epoch.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    private static string TimestampText(long microseconds, string? zone) => microseconds switch
    {
        long.MaxValue => "infinity",
        long.MinValue => "-infinity",
        _ => Epoch.AddTicks(checked(microseconds * TimeSpan.TicksPerMicrosecond)).ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture).TrimEnd('.') + zone,
    };
}
