using ProxyCluster.Protocol.Scram;

namespace ProxyCluster.Protocol.Tests.Scram;

public class ScramClientKeyCacheTests
{
    [Fact]
    public void CachedKeys_AuthenticateAgainstTheServer_AsOftenAsNeeded()
    {
        var verifier = ScramVerifier.Generate("upstream-password");
        var cache = new ScramClientKeyCache();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(ScramResult.Success, Exchange(new ScramClientExchange("upstream-password", cache), verifier));
        }

        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void AnotherPassword_IsNotAnsweredFromTheCache()
    {
        var verifier = ScramVerifier.Generate("right");
        var cache = new ScramClientKeyCache();
        Assert.Equal(ScramResult.Success, Exchange(new ScramClientExchange("right", cache), verifier));
        Assert.NotEqual(ScramResult.Success, Exchange(new ScramClientExchange("wrong", cache), verifier));
        Assert.Equal(2, cache.Count);
    }

    private static ScramResult Exchange(ScramClientExchange client, ScramVerifier verifier)
    {
        var server = new ScramServerExchange([verifier]);
        Assert.Equal(ScramResult.Continue, server.HandleClientFirst(client.CreateClientFirstMessage(), out var serverFirst));
        Assert.True(client.TryCreateClientFinalMessage(serverFirst, out var clientFinal));
        var result = server.HandleClientFinal(clientFinal, out var serverFinal);
        if (result == ScramResult.Success)
        {
            Assert.True(client.VerifyServerFinalMessage(serverFinal));
        }

        return result;
    }
}
