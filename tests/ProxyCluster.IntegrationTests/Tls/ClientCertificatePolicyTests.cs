using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ProxyCluster.Node.Configuration;
using ProxyCluster.Sessions.Tls;

namespace ProxyCluster.IntegrationTests.Tls;

/// <summary>How client certificates are verified and mapped to tokens, without a network.</summary>
public sealed class ClientCertificatePolicyTests : IDisposable
{
    private const string TokenId = "abcdefghijkl";

    private readonly TestCertificateAuthority _ca = TestCertificateAuthority.Create("policy test client CA");

    public void Dispose() => _ca.Dispose();

    private ClientCertificatePolicy Policy(params string[] matches) =>
        new([X509CertificateLoader.LoadCertificate(_ca.Certificate.RawData)], [.. matches.Select(m => ClientCertificateRule.TryParse(m, TokenId, out var rule) ? rule : throw new ArgumentException(m))]);

    [Theory]
    [InlineData("cn:billing-api", true)]
    [InlineData("cn:Billing-API", false)]
    [InlineData("subject:CN=billing-api", true)]
    [InlineData("uri:spiffe://acme/billing", true)]
    [InlineData("uri:spiffe://acme/other", false)]
    [InlineData("dns:billing.internal", false)]
    public void Map_Rules_MatchTheCertificatesNames(string match, bool maps)
    {
        using var certificate = _ca.IssueClient("billing-api", new Uri("spiffe://acme/billing")).Certificate;

        Assert.Equal(maps ? TokenId : null, Policy(match).Map(certificate));
    }

    [Fact]
    public void IsTrusted_IssuedByTheCa_True()
    {
        using var certificate = _ca.IssueClient("billing-api").Certificate;

        Assert.True(Policy().IsTrusted(certificate));
    }

    [Fact]
    public void IsTrusted_Expired_False()
    {
        var now = DateTimeOffset.UtcNow;
        using var certificate = _ca.IssueClient("billing-api", [], now.AddDays(-3), now.AddDays(-1)).Certificate;

        Assert.False(Policy().IsTrusted(certificate));
    }

    [Fact]
    public void IsTrusted_ServerCertificateWithoutClientAuthentication_False()
    {
        using var certificate = _ca.IssueForLoopback("a server").Certificate;

        Assert.False(Policy().IsTrusted(certificate));
    }

    [Fact]
    public void IsTrusted_SelfSigned_False()
    {
        using var key = ECDsa.Create();
        using var certificate = new CertificateRequest("CN=billing-api", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1));

        Assert.False(Policy().IsTrusted(certificate));
    }

    [Theory]
    [InlineData("cn")]
    [InlineData("cn:")]
    [InlineData("ip:127.0.0.1")]
    [InlineData("billing-api")]
    public void TryParse_NotARule_False(string match)
    {
        Assert.False(ClientCertificateRule.TryParse(match, TokenId, out _));
    }

    [Fact]
    public void Validate_MappingsWithoutClientCa_Refused()
    {
        var self = typeof(ClientCertificatePolicyTests).Assembly.Location;
        var options = new ProxyOptions
        {
            Tls = new ServerTlsOptions { CertificateFile = self, KeyFile = self, ClientCertificates = { new ClientCertificateOptions { Match = "cn:x", TokenId = TokenId } } },
            Listeners = { new ListenerOptions() },
            Routes = { new RouteOptions { User = "app" } },
        };

        Assert.Contains(ProxyOptionsValidator.Validate(options), p => p.Contains("ClientCertificates needs ClientCaFile", StringComparison.Ordinal));
    }
}
