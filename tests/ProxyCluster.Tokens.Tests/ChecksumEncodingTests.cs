namespace ProxyCluster.Tokens.Tests;

public sealed class ChecksumEncodingTests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xE8B7BE43u)]
    [InlineData("123456789", 0xCBF43926u)] // the CRC-32 check value
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void Crc32_MatchesKnownAnswers(string text, uint expected) =>
        Assert.Equal(expected, Crc32.OfAscii(text));

    [Theory]
    [InlineData(0u, "000000")]
    [InlineData(61u, "00000z")]
    [InlineData(62u, "000010")]
    [InlineData(uint.MaxValue, "4gfFC3")]
    public void Base62_EncodesUIntAtFixedWidth(uint value, string expected)
    {
        var destination = new char[6];
        Base62.Encode(value, destination);

        Assert.Equal(expected, new string(destination));
    }

    [Fact]
    public void Base62_ThirtyTwoMaxBytesFitFortyThreeCharacters()
    {
        var destination = new char[43];
        Base62.Encode(Enumerable.Repeat((byte)0xFF, 32).ToArray(), destination);

        Assert.True(Base62.IsBase62(destination));
        Assert.NotEqual('0', destination[0]);
    }

    [Fact]
    public void Base62_ValueTooWide_Throws()
    {
        Assert.Throws<ArgumentException>(() => Base62.Encode(62u * 62u, new char[2]));
        Assert.Throws<ArgumentException>(() => Base62.Encode(new byte[] { 1, 0 }, new char[1]));
    }

    [Fact]
    public void Base62_BytesMatchTheUIntEncoding()
    {
        var fromBytes = new char[6];
        var fromUInt = new char[6];
        Base62.Encode(new byte[] { 0x12, 0x34, 0x56, 0x78 }, fromBytes);
        Base62.Encode(0x12345678u, fromUInt);

        Assert.Equal(new string(fromUInt), new string(fromBytes));
    }
}
