using ProxyCluster.Cli.Connection;

namespace ProxyCluster.Cli.Tests.Connection;

public sealed class NodeAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:7101", "http://127.0.0.1:7101/")]
    [InlineData(" node-1.internal:80 ", "http://node-1.internal/")]
    [InlineData("[::1]:7101", "http://[::1]:7101/")]
    [InlineData("http://127.0.0.1:7101", "http://127.0.0.1:7101/")]
    [InlineData("http://127.0.0.1:7101/", "http://127.0.0.1:7101/")]
    [InlineData("https://admin.example:8443/proxy", "https://admin.example:8443/proxy/")]
    public void TryParse_Address_GivesBaseUriEndingInSlash(string text, string expected)
    {
        Assert.True(NodeAddress.TryParse(text, out var uri, out var error), error);
        Assert.Equal(expected, uri.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:")]
    [InlineData("[::1]")]
    [InlineData("ftp://127.0.0.1:21")]
    [InlineData("http://user:pw@127.0.0.1:7101")]
    [InlineData("http://127.0.0.1:7101/?x=1")]
    [InlineData("not an address:12")]
    public void TryParse_NotAnAddress_SaysWhatIsExpected(string text)
    {
        Assert.False(NodeAddress.TryParse(text, out _, out var error));
        Assert.Contains("host:port", error, StringComparison.Ordinal);
    }
}
