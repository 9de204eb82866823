using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace ProxyCluster.Node.Tests.Jwt;

/// <summary>A key pair generated for one test run: the private half signs, the public half goes into the JWKS.</summary>
internal sealed class TestSigningKey : IDisposable
{
    private readonly AsymmetricAlgorithm _private;

    private TestSigningKey(string kid, string algorithm, AsymmetricAlgorithm privateKey, SecurityKey signing, Dictionary<string, string> publicJwk)
    {
        Kid = kid;
        Algorithm = algorithm;
        _private = privateKey;
        Signing = new SigningCredentials(signing, algorithm);
        PublicJwk = publicJwk;
    }

    public string Kid { get; }

    public string Algorithm { get; }

    public SigningCredentials Signing { get; }

    public IReadOnlyDictionary<string, string> PublicJwk { get; }

    public static TestSigningKey Rsa(string kid)
    {
        var rsa = RSA.Create(2048);
        var p = rsa.ExportParameters(includePrivateParameters: false);
        return new TestSigningKey(kid, SecurityAlgorithms.RsaSha256, rsa, new RsaSecurityKey(rsa) { KeyId = kid }, new()
        {
            ["kty"] = "RSA",
            ["kid"] = kid,
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["n"] = Base64UrlEncoder.Encode(p.Modulus),
            ["e"] = Base64UrlEncoder.Encode(p.Exponent),
        });
    }

    public static TestSigningKey EcP256(string kid)
    {
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ec.ExportParameters(includePrivateParameters: false);
        return new TestSigningKey(kid, SecurityAlgorithms.EcdsaSha256, ec, new ECDsaSecurityKey(ec) { KeyId = kid }, new()
        {
            ["kty"] = "EC",
            ["kid"] = kid,
            ["use"] = "sig",
            ["alg"] = "ES256",
            ["crv"] = "P-256",
            ["x"] = Base64UrlEncoder.Encode(p.Q.X),
            ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
        });
    }

    public void Dispose() => _private.Dispose();
}
