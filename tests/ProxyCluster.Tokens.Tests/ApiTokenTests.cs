using System.Text;
using System.Text.RegularExpressions;

namespace ProxyCluster.Tokens.Tests;

public sealed class ApiTokenTests
{
    private static readonly Regex Shape = new("^pct_([a-z0-9]{12})_([0-9A-Za-z]{43})([0-9A-Za-z]{6})$", RegexOptions.CultureInvariant);

    [Fact]
    public void Mint_ReturnsTokenOfTheDocumentedShape()
    {
        var token = ApiToken.Mint(out var id);

        Assert.Equal(66, token.Length);
        Assert.Equal(ApiToken.Length, token.Length);
        var match = Shape.Match(token);
        Assert.True(match.Success);
        Assert.Equal(id, match.Groups[1].Value);
    }

    [Fact]
    public void Mint_ThenTryParse_ReturnsTheSameId()
    {
        var token = ApiToken.Mint(out var minted);

        Assert.True(ApiToken.TryParse(token, out var parsed));
        Assert.Equal(minted, parsed);
    }

    [Fact]
    public void Mint_IdsAreValidAndDistinct()
    {
        var ids = new HashSet<string>();
        for (var i = 0; i < 200; i++)
        {
            ApiToken.Mint(out var id);
            Assert.True(ApiToken.IsValidId(id));
            ids.Add(id);
        }

        Assert.Equal(200, ids.Count);
    }

    [Fact]
    public void Mint_SecretsDifferEvenForTheSameId()
    {
        var first = ApiToken.MintWithId("abc123def456");
        var second = ApiToken.MintWithId("abc123def456");

        Assert.NotEqual(first, second);
        Assert.StartsWith("pct_abc123def456_", first, StringComparison.Ordinal);
        Assert.True(ApiToken.TryParse(second, out var id));
        Assert.Equal("abc123def456", id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc123def45")]
    [InlineData("abc123def4567")]
    [InlineData("ABC123DEF456")]
    [InlineData("abc123_ef456")]
    public void MintWithId_InvalidId_Throws(string id) =>
        Assert.Throws<ArgumentException>(() => ApiToken.MintWithId(id));

    [Fact]
    public void TryParse_AnySingleChangedCharacter_Fails()
    {
        var token = ApiToken.Mint(out _);
        for (var i = 0; i < token.Length; i++)
        {
            var changed = new StringBuilder(token);
            changed[i] = token[i] == 'a' ? 'b' : 'a';

            Assert.False(ApiToken.TryParse(changed.ToString(), out _), $"a change at index {i} went unnoticed");
        }
    }

    [Fact]
    public void TryParse_SwappedAdjacentSecretCharacters_Fails()
    {
        var token = ApiToken.Mint(out _);
        var index = 17; // the secret's first character
        while (token[index] == token[index + 1])
        {
            index++;
        }

        var swapped = new StringBuilder(token);
        (swapped[index], swapped[index + 1]) = (swapped[index + 1], swapped[index]);

        Assert.False(ApiToken.TryParse(swapped.ToString(), out _));
    }

    [Fact]
    public void TryParse_TruncatedOrExtended_Fails()
    {
        var token = ApiToken.Mint(out _);

        Assert.False(ApiToken.TryParse(token[..^1], out _));
        Assert.False(ApiToken.TryParse(token[1..], out _));
        Assert.False(ApiToken.TryParse(token + "0", out _));
        Assert.False(ApiToken.TryParse(token[..30], out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("pct_")]
    [InlineData("postgres")]
    public void TryParse_NotAToken_Fails(string? text)
    {
        Assert.False(ApiToken.TryParse(text, out var id));
        Assert.Null(id);
    }

    [Fact]
    public void TryParse_SurroundingWhitespaceOrOtherPrefix_Fails()
    {
        var token = ApiToken.Mint(out _);

        Assert.False(ApiToken.TryParse(" " + token[..^1], out _));
        Assert.False(ApiToken.TryParse("PCT_" + token[4..], out _));
        Assert.False(ApiToken.TryParse("pgt_" + token[4..], out _));
    }

    [Theory]
    [InlineData("abc123def456", true)]
    [InlineData("000000000000", true)]
    [InlineData("zzzzzzzzzzzz", true)]
    [InlineData("abc123def45", false)]
    [InlineData("abc123def4567", false)]
    [InlineData("Abc123def456", false)]
    [InlineData("abc-23def456", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsValidId_AcceptsTwelveLowercaseAlphanumerics(string? id, bool expected) =>
        Assert.Equal(expected, ApiToken.IsValidId(id));

    [Theory]
    [InlineData("pct_abc123def456", "abc123def456")]
    [InlineData("abc123def456", "abc123def456")]
    [InlineData("postgres", "postgres")]
    [InlineData("pct_short", "pct_short")]
    [InlineData("pct_ABC123DEF456", "pct_ABC123DEF456")]
    [InlineData("pct_abc123def456x", "pct_abc123def456x")]
    [InlineData("", "")]
    public void NormalizeUserToId_ReturnsIdForIdFormsAndInputOtherwise(string user, string expected) =>
        Assert.Equal(expected, ApiToken.NormalizeUserToId(user));

    [Fact]
    public void NormalizeUserToId_WholeToken_IsNotAnIdForm()
    {
        var token = ApiToken.Mint(out _);

        Assert.Equal(token, ApiToken.NormalizeUserToId(token));
    }

    [Fact]
    public void UserNameFor_PrefixesTheId_AndNormalizesBack()
    {
        var user = ApiToken.UserNameFor("abc123def456");

        Assert.Equal("pct_abc123def456", user);
        Assert.Equal("abc123def456", ApiToken.NormalizeUserToId(user));
        Assert.Throws<ArgumentException>(() => ApiToken.UserNameFor("nope"));
    }
}
