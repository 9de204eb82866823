using ProxyCluster.Protocol.Scram;

namespace ProxyCluster.Protocol.Tests.Scram;

public sealed class Rfc7677VectorTests
{
    private static ScramVerifier Verifier() =>
        ScramVerifier.Create(Rfc7677.Password, Convert.FromBase64String(Rfc7677.Salt), Rfc7677.Iterations);

    [Fact]
    public void ServerExchange_Rfc7677Vector_AnswersExactlyAsTheRfc()
    {
        var server = new ScramServerExchange([Verifier()], channelBindingOffered: false, Rfc7677.ServerNonceSuffix, alwaysFail: false);

        Assert.Equal(ScramResult.Continue, server.HandleClientFirst(Rfc7677.Ascii(Rfc7677.ClientFirst), out var serverFirst));
        Assert.Equal(Rfc7677.ServerFirst, Rfc7677.Text(serverFirst));

        Assert.Equal(ScramResult.Success, server.HandleClientFinal(Rfc7677.Ascii(Rfc7677.ClientFinal), out var serverFinal));
        Assert.Equal(Rfc7677.ServerFinal, Rfc7677.Text(serverFinal));
        Assert.Equal(0, server.MatchedVerifierIndex);
    }

    [Fact]
    public void ClientExchange_Rfc7677Vector_SendsTheRfcProofAndAcceptsTheRfcSignature()
    {
        var client = new ScramClientExchange(Rfc7677.Password, Rfc7677.ClientNonce, Rfc7677.UserName);

        Assert.Equal(Rfc7677.ClientFirst, Rfc7677.Text(client.CreateClientFirstMessage()));
        Assert.True(client.TryCreateClientFinalMessage(Rfc7677.Ascii(Rfc7677.ServerFirst), out var clientFinal));
        Assert.Equal(Rfc7677.ClientFinal, Rfc7677.Text(clientFinal));
        Assert.True(client.VerifyServerFinalMessage(Rfc7677.Ascii(Rfc7677.ServerFinal)));
    }

    [Fact]
    public void ClientExchange_Rfc7677VectorWithWrongSignature_Rejects()
    {
        var client = new ScramClientExchange(Rfc7677.Password, Rfc7677.ClientNonce, Rfc7677.UserName);
        client.CreateClientFirstMessage();
        Assert.True(client.TryCreateClientFinalMessage(Rfc7677.Ascii(Rfc7677.ServerFirst), out _));

        var forged = "v=" + Convert.ToBase64String(new byte[32]);

        Assert.False(client.VerifyServerFinalMessage(Rfc7677.Ascii(forged)));
    }
}
