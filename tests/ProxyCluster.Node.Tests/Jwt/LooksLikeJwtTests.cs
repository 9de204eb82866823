using ProxyCluster.Node.Jwt;

namespace ProxyCluster.Node.Tests.Jwt;

public sealed class LooksLikeJwtTests
{
    [Theory]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.AB-_cd")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")]
    public void LooksLikeJwt_ThreeBase64UrlSegments_True(string candidate) =>
        Assert.True(JwtValidator.LooksLikeJwt(candidate));

    [Theory]
    [InlineData("")]
    [InlineData("hunter2")]
    [InlineData("pct_0123456789abcdef0123")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9..c2ln")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln.ZXh0cmE")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0=.c2ln")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIi+OiJ4In0.c2ln")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln ")]
    [InlineData("eyJhb.eyJzdWIiOiJ4In0.c2ln")]
    public void LooksLikeJwt_Otherwise_False(string candidate) =>
        Assert.False(JwtValidator.LooksLikeJwt(candidate));

    [Fact]
    public void LooksLikeJwt_LongerThanTheCap_False() =>
        Assert.False(JwtValidator.LooksLikeJwt("eyJhbGciOiJSUzI1NiJ9." + new string('A', JwtValidator.MaxTokenLength) + ".c2ln"));
}
