using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ProxyCluster.IntegrationTests.Fixtures;

/// <summary>
/// A stand-in OAuth2/OIDC provider for tests: an EC P-256 key generated per run (nothing committed), its JWKS as
/// a file the node reads, and JWTs signed with it by the library (ES256).
/// </summary>
public sealed class TestIdentityProvider : IDisposable
{
    public const string Issuer = "https://idp.test.invalid";
    public const string Audience = "proxycluster";

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string _keyId = Guid.NewGuid().ToString("N");

    public void WriteJwks(string path)
    {
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        var jwk = new JsonObject
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["kid"] = _keyId,
            ["use"] = "sig",
            ["alg"] = "ES256",
            ["x"] = Base64UrlEncoder.Encode(parameters.Q.X),
            ["y"] = Base64UrlEncoder.Encode(parameters.Q.Y),
        };
        File.WriteAllText(path, new JsonObject { ["keys"] = new JsonArray(jwk) }.ToJsonString());
    }

    public string Issue(
        string subject,
        string? policy = "unrestricted",
        string? jti = null,
        TimeSpan? lifetime = null,
        string audience = Audience,
        DateTimeOffset? notBefore = null,
        string? route = null)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (policy is not null)
        {
            claims["policy"] = policy;
        }

        if (jti is not null)
        {
            claims["jti"] = jti;
        }

        if (route is not null)
        {
            claims["routes"] = route;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = (notBefore ?? now.AddMinutes(-1)).UtcDateTime,
            Expires = now.Add(lifetime ?? TimeSpan.FromMinutes(10)).UtcDateTime,
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_key) { KeyId = _keyId }, SecurityAlgorithms.EcdsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    public void Dispose() => _key.Dispose();
}
