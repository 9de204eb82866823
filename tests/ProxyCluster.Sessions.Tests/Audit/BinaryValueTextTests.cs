using ProxyCluster.Sessions.Audit;

namespace ProxyCluster.Sessions.Tests.Audit;

/// <summary>Binary parameter values rendered as PostgreSQL's text output shows them; anything else is refused (hex).</summary>
public sealed class BinaryValueTextTests
{
    [Theory]
    [InlineData(16u, "01", "t")]
    [InlineData(16u, "00", "f")]
    [InlineData(21u, "ffff", "-1")]
    [InlineData(23u, "0000002a", "42")]
    [InlineData(26u, "ffffffff", "4294967295")]
    [InlineData(20u, "8000000000000000", "-9223372036854775808")]
    [InlineData(700u, "3fc00000", "1.5")]
    [InlineData(701u, "400921fb54442d18", "3.141592653589793")]
    [InlineData(25u, "6869e29883", "hi☃")]
    [InlineData(1043u, "", "")]
    [InlineData(3802u, "017b7d", "{}")]
    [InlineData(2950u, "a0eebc999c0b4ef8bb6d6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")]
    [InlineData(1082u, "00000000", "2000-01-01")]
    [InlineData(1082u, "ffffffff", "1999-12-31")]
    [InlineData(1082u, "7fffffff", "infinity")]
    [InlineData(1114u, "0000000000000000", "2000-01-01 00:00:00")]
    [InlineData(1114u, "00000000000f4241", "2000-01-01 00:00:01.000001")]
    [InlineData(1184u, "fffffffffff0bdc0", "1999-12-31 23:59:59+00")]
    [InlineData(1184u, "8000000000000000", "-infinity")]
    public void TryRender_KnownType_GivesPostgresText(uint type, string hex, string expected)
    {
        Assert.True(BinaryValueText.TryRender(type, Convert.FromHexString(hex), out var text));
        Assert.Equal(expected, text);
    }

    [Theory]
    [InlineData(0u, "0000002a")]          // type unspecified
    [InlineData(17u, "deadbeef")]         // bytea: its bytes are the value, shown as hex
    [InlineData(1700u, "0001000000000000")] // numeric: not rendered
    [InlineData(23u, "002a")]             // int4 of the wrong size
    [InlineData(25u, "ff")]               // text that is not UTF-8
    [InlineData(3802u, "027b7d")]         // jsonb of an unknown version
    [InlineData(1114u, "7ffffffffffffffe")] // a timestamp beyond what .NET represents
    public void TryRender_UnknownTypeOrBadValue_IsRefused(uint type, string hex)
    {
        Assert.False(BinaryValueText.TryRender(type, Convert.FromHexString(hex), out _));
    }
}
