using ProxyCluster.Node.Configuration;
using ProxyCluster.Sessions.Tls;
using ProxyCluster.Sessions.Upstream;

namespace ProxyCluster.IntegrationTests.Tls;

/// <summary>The TLS keys of the node's configuration: defaults by address, and what the validator refuses.</summary>
public sealed class TlsConfigurationTests
{
    private static ProxyOptions Options(ListenerOptions listener, RouteOptions? route = null, ServerTlsOptions? tls = null) => new()
    {
        Tls = tls,
        Listeners = { listener },
        Routes = { route ?? new RouteOptions { Name = "*", Host = "127.0.0.1", User = "app" } },
    };

    private static ServerTlsOptions ExistingFiles()
    {
        // The validator only checks that the files exist; loading them is the node's job at start.
        var file = typeof(TlsConfigurationTests).Assembly.Location;
        return new ServerTlsOptions { CertificateFile = file, KeyFile = file };
    }

    [Theory]
    [InlineData("10.0.0.5", null, false, ClientTlsMode.Require)]
    [InlineData("0.0.0.0", null, true, ClientTlsMode.Require)]
    [InlineData("127.0.0.1", null, false, ClientTlsMode.Disable)]
    [InlineData("127.0.0.1", null, true, ClientTlsMode.Prefer)]
    [InlineData("::1", "Require", true, ClientTlsMode.Require)]
    [InlineData("127.0.0.1", "prefer", true, ClientTlsMode.Prefer)]
    [InlineData("127.0.0.1", "disable", true, ClientTlsMode.Disable)]
    public void ForListener_DefaultsByAddressAndCertificate(string address, string? configured, bool haveCertificate, ClientTlsMode expected)
    {
        Assert.Equal(expected, TlsModes.ForListener(new ListenerOptions { Address = address, Tls = configured }, haveCertificate));
    }

    [Theory]
    [InlineData("db.internal", null, UpstreamTlsMode.VerifyFull)]
    [InlineData("10.0.0.7", null, UpstreamTlsMode.VerifyFull)]
    [InlineData("127.0.0.1", null, UpstreamTlsMode.Disable)]
    [InlineData("localhost", null, UpstreamTlsMode.Disable)]
    [InlineData("db.internal", "require", UpstreamTlsMode.Require)]
    [InlineData("127.0.0.1", "VERIFY-FULL", UpstreamTlsMode.VerifyFull)]
    public void ForRoute_DefaultsByHost(string host, string? configured, UpstreamTlsMode expected)
    {
        Assert.Equal(expected, TlsModes.ForRoute(new RouteOptions { Host = host, Tls = configured }));
    }

    [Fact]
    public void Validate_NonLoopbackListenerWithoutCertificate_Refused()
    {
        var problems = ProxyOptionsValidator.Validate(Options(new ListenerOptions { Address = "0.0.0.0" }));

        Assert.Contains(problems, p => p.Contains("uses TLS but Proxy:Tls names no CertificateFile", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DisableOnANonLoopbackListener_Refused()
    {
        var problems = ProxyOptionsValidator.Validate(Options(new ListenerOptions { Address = "0.0.0.0", Tls = "disable" }, tls: ExistingFiles()));

        Assert.Contains(problems, p => p.Contains("Tls \"disable\" is only allowed on loopback", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UnknownListenerMode_Refused()
    {
        var problems = ProxyOptionsValidator.Validate(Options(new ListenerOptions { Tls = "allow" }, tls: ExistingFiles()));

        Assert.Contains(problems, p => p.Contains("Tls \"allow\": use require, prefer or disable", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NonLoopbackListenerWithCertificate_Accepted()
    {
        Assert.Empty(ProxyOptionsValidator.Validate(Options(new ListenerOptions { Address = "0.0.0.0" }, tls: ExistingFiles())));
    }

    [Fact]
    public void Validate_CertificateFileWithoutKey_Refused()
    {
        var problems = ProxyOptionsValidator.Validate(Options(new ListenerOptions(), tls: new ServerTlsOptions { CertificateFile = "/etc/proxy.crt" }));

        Assert.Contains("Proxy:Tls needs both CertificateFile and KeyFile", problems);
    }

    [Theory]
    [InlineData("db.internal", "disable", null, "only allowed for a loopback host")]
    [InlineData("db.internal", "require", "/dev/null", "TlsCaFile, which only verify-full uses")]
    [InlineData("db.internal", "verify-full", "/nonexistent/ca.crt", "does not exist")]
    [InlineData("db.internal", "prefer", null, "use verify-full, require or disable")]
    public void Validate_RouteTls_Refused(string host, string tls, string? caFile, string expected)
    {
        var route = new RouteOptions { Name = "db", Host = host, User = "app", Tls = tls, TlsCaFile = caFile };

        var problems = ProxyOptionsValidator.Validate(Options(new ListenerOptions(), route));

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }
}
