namespace ProxyCluster.Tokens.Tests;

public sealed class TokenDurationTests
{
    public static TheoryData<string, TimeSpan> Valid => new()
    {
        { "45s", TimeSpan.FromSeconds(45) },
        { "30m", TimeSpan.FromMinutes(30) },
        { "1h", TimeSpan.FromHours(1) },
        { "7d", TimeSpan.FromDays(7) },
        { "2w", TimeSpan.FromDays(14) },
        { "1h30m", TimeSpan.FromMinutes(90) },
        { "1d12h", TimeSpan.FromHours(36) },
        { "090m", TimeSpan.FromMinutes(90) },
        { "0h5m", TimeSpan.FromMinutes(5) },
        { "36500d", TimeSpan.FromDays(36500) },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void TryParse_NumberAndUnit_Parses(string text, TimeSpan expected)
    {
        Assert.True(TokenDuration.TryParse(text, out var duration));
        Assert.Equal(expected, duration);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("m")]
    [InlineData("0m")]
    [InlineData("-5m")]
    [InlineData("+5m")]
    [InlineData("5 m")]
    [InlineData(" 5m")]
    [InlineData("5m ")]
    [InlineData("1.5h")]
    [InlineData("5M")]
    [InlineData("5y")]
    [InlineData("1h30")]
    [InlineData("9999999999d")]
    [InlineData("36501d")]
    [InlineData("36500d1s")]
    [InlineData("１h")] // a full-width digit is a digit, but not an ASCII one
    public void TryParse_Invalid_Fails(string? text)
    {
        Assert.False(TokenDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.Zero, duration);
    }
}
