using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ProxyCluster.Protocol.Scram;

namespace ProxyCluster.Protocol.Tests.Scram;

/// <summary>SCRAM-SHA-256-PLUS with tls-server-end-point channel binding, both roles, and how the server polices it.</summary>
public sealed class ScramChannelBindingTests
{
    private const string Password = "correct horse battery staple";
    private const string ServerNonce = "server-nonce-0123456789";

    private static readonly ScramChannelBinding ServerBinding = new(ScramChannelBinding.TlsServerEndPointType, SHA256.HashData("the proxy's certificate"u8));
    private static readonly ScramChannelBinding OtherBinding = new(ScramChannelBinding.TlsServerEndPointType, SHA256.HashData("a man in the middle's certificate"u8));

    private static ScramVerifier Verifier() => ScramVerifier.Create(Password, Convert.FromBase64String(Rfc7677.Salt), 4096);

    private static ScramServerExchange Server(ScramChannelBinding? binding) =>
        new([Verifier()], binding, ServerNonce, alwaysFail: false);

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    [Fact]
    public void Mechanisms_WithChannelBinding_OffersPlusFirstThenPlain()
    {
        Assert.Equal(["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"], Server(ServerBinding).Mechanisms);
        Assert.Equal(["SCRAM-SHA-256"], Server(null).Mechanisms);
        Assert.Equal(["SCRAM-SHA-256"], new ScramServerExchange([Verifier()]).Mechanisms);
    }

    [Fact]
    public void Exchange_PlusWithTheSameBinding_SucceedsAndIsChannelBound()
    {
        var server = Server(ServerBinding);
        var client = new ScramClientExchange(Password, "client-nonce", string.Empty, ServerBinding);

        Assert.Equal("SCRAM-SHA-256-PLUS", client.Mechanism);
        var clientFirst = client.CreateClientFirstMessage();
        Assert.StartsWith("p=tls-server-end-point,,n=,r=", Encoding.ASCII.GetString(clientFirst), StringComparison.Ordinal);
        Assert.Equal(ScramResult.Continue, server.HandleClientFirst(client.Mechanism, clientFirst, out var serverFirst));
        Assert.True(client.TryCreateClientFinalMessage(serverFirst, out var clientFinal));
        Assert.StartsWith("c=" + Convert.ToBase64String([.. "p=tls-server-end-point,,"u8, .. ServerBinding.Data.Span]), Encoding.ASCII.GetString(clientFinal), StringComparison.Ordinal);

        Assert.Equal(ScramResult.Success, server.HandleClientFinal(clientFinal, out var serverFinal));
        Assert.True(server.IsChannelBound);
        Assert.True(client.VerifyServerFinalMessage(serverFinal));
    }

    [Fact]
    public void Exchange_PlusWithAnotherCertificatesBinding_Fails()
    {
        // The client talks TLS to someone else (who relays the SCRAM messages): its binding differs from ours.
        var server = Server(ServerBinding);
        var client = new ScramClientExchange(Password, "client-nonce", string.Empty, OtherBinding);

        Assert.Equal(ScramResult.Continue, server.HandleClientFirst(client.Mechanism, client.CreateClientFirstMessage(), out var serverFirst));
        Assert.True(client.TryCreateClientFinalMessage(serverFirst, out var clientFinal));

        Assert.Equal(ScramResult.Failed, server.HandleClientFinal(clientFinal, out var serverFinal));
        Assert.Empty(serverFinal);
    }

    [Fact]
    public void Exchange_PlainMechanismOnTls_SucceedsWithoutBinding()
    {
        // libpq with channel_binding=disable, or a driver without -PLUS support: "n" is honest and allowed.
        var server = Server(ServerBinding);
        var client = new ScramClientExchange(Password, "client-nonce", string.Empty);

        Assert.Equal(ScramResult.Continue, server.HandleClientFirst(client.Mechanism, client.CreateClientFirstMessage(), out var serverFirst));
        Assert.True(client.TryCreateClientFinalMessage(serverFirst, out var clientFinal));

        Assert.Equal(ScramResult.Success, server.HandleClientFinal(clientFinal, out _));
        Assert.False(server.IsChannelBound);
    }

    [Fact]
    public void HandleClientFinal_PlusHeaderWithoutBindingData_Fails()
    {
        var server = Server(ServerBinding);
        Assert.Equal(ScramResult.Continue, server.HandleClientFirst("SCRAM-SHA-256-PLUS", Ascii("p=tls-server-end-point,,n=,r=abc"), out var serverFirst));
        var nonce = Encoding.ASCII.GetString(serverFirst).Split(',')[0][2..];

        var stripped = $"c={Convert.ToBase64String("p=tls-server-end-point,,"u8)},r={nonce},p={Convert.ToBase64String(new byte[32])}";

        Assert.Equal(ScramResult.Failed, server.HandleClientFinal(Ascii(stripped), out _));
    }

    [Theory]
    [InlineData("SCRAM-SHA-256-PLUS", "n,,n=,r=abc")] // -PLUS selected, but no binding in the header
    [InlineData("SCRAM-SHA-256-PLUS", "y,,n=,r=abc")]
    [InlineData("SCRAM-SHA-256-PLUS", "p=tls-unique,,n=,r=abc")] // a type we cannot check
    [InlineData("SCRAM-SHA-256", "p=tls-server-end-point,,n=,r=abc")] // plain mechanism with a binding header
    [InlineData("SCRAM-SHA-1", "n,,n=,r=abc")]
    public void HandleClientFirst_MechanismAndHeaderDisagree_Malformed(string mechanism, string clientFirst)
    {
        Assert.Equal(ScramResult.Malformed, Server(ServerBinding).HandleClientFirst(mechanism, Ascii(clientFirst), out var serverFirst));
        Assert.Empty(serverFirst);
    }

    [Theory]
    [InlineData("SCRAM-SHA-256-PLUS", "p=tls-server-end-point,,n=,r=abc")]
    [InlineData("SCRAM-SHA-256", "p=tls-server-end-point,,n=,r=abc")]
    public void HandleClientFirst_BindingWithoutTls_Malformed(string mechanism, string clientFirst)
    {
        Assert.Equal(ScramResult.Malformed, Server(null).HandleClientFirst(mechanism, Ascii(clientFirst), out _));
    }

    [Fact]
    public void HandleClientFirst_ClientSupportsBindingButSawNoPlus_FailsAsDowngrade()
    {
        // "y" says: I could bind, but you did not offer -PLUS. We did, so someone removed it from the list.
        Assert.Equal(ScramResult.Failed, Server(ServerBinding).HandleClientFirst("SCRAM-SHA-256", Ascii("y,,n=,r=abc"), out _));
        Assert.Equal(ScramResult.Continue, Server(null).HandleClientFirst("SCRAM-SHA-256", Ascii("y,,n=,r=abc"), out _));
    }

    [Fact]
    public void ForUnknownUser_WithBinding_OffersPlusAndFailsOnlyAtTheEnd()
    {
        var server = ScramServerExchange.ForUnknownUser("pct_nobody", ServerBinding);
        var client = new ScramClientExchange(Password, "client-nonce", string.Empty, ServerBinding);

        Assert.Equal(["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"], server.Mechanisms);
        Assert.Equal(ScramResult.Continue, server.HandleClientFirst(client.Mechanism, client.CreateClientFirstMessage(), out var serverFirst));
        Assert.True(client.TryCreateClientFinalMessage(serverFirst, out var clientFinal));
        Assert.Equal(ScramResult.Failed, server.HandleClientFinal(clientFinal, out _));
    }

    [Theory]
    [InlineData("SHA256", "1.2.840.113549.1.1.11")]
    [InlineData("SHA384", "1.2.840.113549.1.1.12")]
    [InlineData("SHA512", "1.2.840.113549.1.1.13")]
    public void TlsServerEndPoint_RsaCertificate_HashesWithTheSignatureHash(string hash, string expectedOid)
    {
        using var key = RSA.Create(2048);
        var algorithm = new HashAlgorithmName(hash);
        using var certificate = SelfSigned(new CertificateRequest("CN=proxy", key, algorithm, RSASignaturePadding.Pkcs1));
        Assert.Equal(expectedOid, certificate.SignatureAlgorithm.Value);

        var binding = ScramChannelBinding.TlsServerEndPoint(certificate);

        Assert.NotNull(binding);
        Assert.Equal("tls-server-end-point", binding.Type);
        Assert.Equal(Hash(algorithm, certificate.RawData), binding.Data.ToArray());
    }

    [Fact]
    public void TlsServerEndPoint_EcdsaSha384Certificate_HashesWithSha384()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var certificate = SelfSigned(new CertificateRequest("CN=proxy", key, HashAlgorithmName.SHA384));

        var binding = ScramChannelBinding.TlsServerEndPoint(certificate);

        Assert.Equal(SHA384.HashData(certificate.RawData), binding!.Data.ToArray());
    }

    [Theory]
    [InlineData("1.2.840.113549.1.1.4", "SHA256")] // md5WithRSAEncryption: RFC 5929 says SHA-256
    [InlineData("1.2.840.113549.1.1.5", "SHA256")] // sha1WithRSAEncryption
    [InlineData("1.2.840.10045.4.1", "SHA256")] // ecdsa-with-SHA1
    [InlineData("1.2.840.10045.4.3.2", "SHA256")]
    [InlineData("1.2.840.10045.4.3.4", "SHA512")]
    public void HashForSignature_KnownAlgorithms_FollowRfc5929(string oid, string hash)
    {
        Assert.Equal(new HashAlgorithmName(hash), ScramChannelBinding.HashForSignature(oid));
    }

    [Theory]
    [InlineData("1.2.840.113549.1.1.10")] // RSASSA-PSS: the hash is in the parameters; PostgreSQL does not bind these either
    [InlineData("1.3.101.112")] // Ed25519
    [InlineData("1.2.840.10045.4.3.1")] // ecdsa-with-SHA224
    [InlineData(null)]
    public void HashForSignature_NoSingleComputableHash_Null(string? oid)
    {
        Assert.Null(ScramChannelBinding.HashForSignature(oid));
    }

    private static X509Certificate2 SelfSigned(CertificateRequest request) =>
        request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));

    private static byte[] Hash(HashAlgorithmName algorithm, byte[] data) => algorithm.Name switch
    {
        "SHA384" => SHA384.HashData(data),
        "SHA512" => SHA512.HashData(data),
        _ => SHA256.HashData(data),
    };
}
