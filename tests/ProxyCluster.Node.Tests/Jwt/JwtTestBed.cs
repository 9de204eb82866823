using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ProxyCluster.Node.Jwt;

namespace ProxyCluster.Node.Tests.Jwt;

/// <summary>
/// Keys, a JWKS file in a temp directory, a manual clock and a token minter for the validator tests. Nothing here
/// is committed key material: every key is generated when the test runs.
/// </summary>
internal sealed class JwtTestBed : IAsyncDisposable
{
    public const string Issuer = "https://idp.example.test";
    public const string Audience = "proxycluster";

    private readonly List<JwtValidator> _validators = [];

    public JwtTestBed()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("jwt-tests-").FullName;
        JwksPath = Path.Combine(Directory, "jwks.json");
    }

    public string Directory { get; }

    public string JwksPath { get; }

    public ManualTime Time { get; } = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));

    public ListLogger<JwtValidator> Logger { get; } = new();

    public TestSigningKey Rsa { get; } = TestSigningKey.Rsa("rsa-1");

    public TestSigningKey Ec { get; } = TestSigningKey.EcP256("ec-1");

    public static string JwksJson(params TestSigningKey[] keys) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["keys"] = keys.Select(key => key.PublicJwk).ToArray() });

    public void WriteJwks(params TestSigningKey[] keys) => File.WriteAllText(JwksPath, JwksJson(keys));

    public JwtOptions FileOptions(Action<JwtOptions>? configure = null)
    {
        var options = new JwtOptions { Issuer = Issuer, Audiences = [Audience, "other-audience"], JwksFile = JwksPath };
        configure?.Invoke(options);
        return options;
    }

    public async Task<JwtValidator> StartAsync(JwtOptions options, HttpMessageHandler? http = null)
    {
        var validator = new JwtValidator(options, Logger, http, Time);
        _validators.Add(validator);
        await validator.LoadKeysAsync(CancellationToken.None);
        return validator;
    }

    /// <summary>Valid for an hour from the manual clock, with principal, policy and jti; <paramref name="edit"/> adjusts it.</summary>
    public string Mint(TestSigningKey key, Action<SecurityTokenDescriptor>? edit = null) => Mint(key.Signing, edit);

    public string Mint(SigningCredentials? signing, Action<SecurityTokenDescriptor>? edit = null)
    {
        var now = Time.GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            SigningCredentials = signing,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = "user-42",
                ["jti"] = "jti-7",
                ["policy"] = "analyst",
            },
        };
        edit?.Invoke(descriptor);
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(descriptor);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var validator in _validators)
        {
            await validator.DisposeAsync();
        }

        Rsa.Dispose();
        Ec.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
