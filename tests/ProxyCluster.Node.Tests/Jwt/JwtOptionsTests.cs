using ProxyCluster.Node.Jwt;

namespace ProxyCluster.Node.Tests.Jwt;

public sealed class JwtOptionsTests
{
    private static JwtOptions Fine() => new() { Issuer = "https://idp.example.test", Audiences = ["proxycluster"], JwksFile = "/etc/jwks.json" };

    [Fact]
    public void Validate_CompleteOptions_NoProblems() => Assert.Empty(JwtOptions.Validate(Fine()));

    [Theory]
    [InlineData("https://idp.example.test/jwks")]
    [InlineData("http://127.0.0.1:8080/jwks")]
    [InlineData("http://localhost/jwks")]
    [InlineData("http://[::1]:9000/jwks")]
    public void Validate_AcceptableJwksUrl_NoProblems(string url)
    {
        var options = Fine();
        options.JwksFile = null;
        options.JwksUrl = url;

        Assert.Empty(JwtOptions.Validate(options));
    }

    [Theory]
    [InlineData("http://idp.example.test/jwks")]
    [InlineData("ftp://127.0.0.1/jwks")]
    [InlineData("/relative/jwks")]
    public void Validate_UnacceptableJwksUrl_NamesTheKey(string url)
    {
        var options = Fine();
        options.JwksFile = null;
        options.JwksUrl = url;

        Assert.Contains(JwtOptions.Validate(options), p => p.StartsWith("Proxy:Jwt:JwksUrl", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_MissingIssuerAudienceAndSource_OneProblemEach()
    {
        var problems = JwtOptions.Validate(new JwtOptions());

        Assert.Contains(problems, p => p.StartsWith("Proxy:Jwt:Issuer", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Proxy:Jwt:Audiences", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("JwksFile and JwksUrl", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BothSources_Problem()
    {
        var options = Fine();
        options.JwksUrl = "https://idp.example.test/jwks";

        Assert.Single(JwtOptions.Validate(options));
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("none")]
    [InlineData("rs256")]
    public void Validate_SymmetricOrUnknownAlgorithm_Problem(string algorithm)
    {
        var options = new JwtOptions { Issuer = "i", Audiences = ["a"], JwksFile = "f", Algorithms = ["RS256", algorithm] };

        Assert.Contains(JwtOptions.Validate(options), p => p.StartsWith("Proxy:Jwt:Algorithms", StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws() =>
        Assert.Throws<ArgumentException>(() => new JwtValidator(new JwtOptions(), new ListLogger<JwtValidator>()));
}
