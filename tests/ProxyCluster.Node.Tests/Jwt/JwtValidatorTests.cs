using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using ProxyCluster.Node.Jwt;

namespace ProxyCluster.Node.Tests.Jwt;

public sealed class JwtValidatorTests : IAsyncLifetime
{
    private readonly JwtTestBed _bed = new();

    public Task InitializeAsync()
    {
        _bed.WriteJwks(_bed.Rsa, _bed.Ec);
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _bed.DisposeAsync().AsTask();

    [Fact]
    public async Task ValidateAsync_Rs256Token_ReturnsIdentity()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions());
        var token = _bed.Mint(_bed.Rsa, d => d.Claims["routes"] = new[] { "sales", "hr" });

        var result = await validator.ValidateAsync(token, CancellationToken.None);

        Assert.True(result.Succeeded, result.Failure);
        var identity = result.Identity!;
        Assert.Equal(JwtTestBed.Issuer, identity.Issuer);
        Assert.Equal("user-42", identity.Subject);
        Assert.Equal("user-42", identity.Principal);
        Assert.Equal("jti-7", identity.Jti);
        Assert.Equal("analyst", identity.Policy);
        Assert.Equal(["sales", "hr"], identity.Routes);
        Assert.Equal(_bed.Time.GetUtcNow().AddHours(1), identity.ExpiresAt);
    }

    [Fact]
    public async Task ValidateAsync_Es256Token_ReturnsIdentity()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions(o => o.PrincipalClaim = "email"));
        var token = _bed.Mint(_bed.Ec, d => d.Claims["email"] = "ana@example.test");

        var result = await validator.ValidateAsync(token, CancellationToken.None);

        Assert.True(result.Succeeded, result.Failure);
        Assert.Equal("ana@example.test", result.Identity!.Principal);
        Assert.Equal("user-42", result.Identity.Subject);
        Assert.Empty(result.Identity.Routes);
    }

    [Fact]
    public async Task ValidateAsync_AudienceListContainingOneAccepted_Succeeds()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions());
        var token = _bed.Mint(_bed.Rsa, d =>
        {
            d.Audience = null;
            d.Claims["aud"] = new[] { "someone-else", "other-audience" };
        });

        Assert.True((await validator.ValidateAsync(token, CancellationToken.None)).Succeeded);
    }

    [Theory]
    [InlineData("https://evil.example.test")]
    [InlineData("https://idp.example.test/")]
    [InlineData("HTTPS://IDP.EXAMPLE.TEST")]
    public async Task ValidateAsync_OtherIssuer_RefusedIssuerNotAccepted(string issuer)
    {
        var validator = await _bed.StartAsync(_bed.FileOptions());
        var token = _bed.Mint(_bed.Rsa, d => d.Issuer = issuer);

        await AssertRefusedAsync(validator, token, JwtFailures.IssuerNotAccepted);
    }

    [Fact]
    public async Task ValidateAsync_WrongAudience_RefusedAudienceNotAccepted()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions());

        await AssertRefusedAsync(validator, _bed.Mint(_bed.Rsa, d => d.Audience = "someone-else"), JwtFailures.AudienceNotAccepted);
        await AssertRefusedAsync(validator, _bed.Mint(_bed.Rsa, d => d.Audience = "proxycluster/"), JwtFailures.AudienceNotAccepted);
    }

    [Fact]
    public async Task ValidateAsync_Expired_RefusedAfterClockSkew()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions());
        var token = _bed.Mint(_bed.Rsa);

        _bed.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(29));
        Assert.True((await validator.ValidateAsync(token, CancellationToken.None)).Succeeded);

        _bed.Time.Advance(TimeSpan.FromSeconds(2));
        await AssertRefusedAsync(validator, token, JwtFailures.Expired);
    }

    [Fact]
    public async Task ValidateAsync_NotBeforeInTheFuture_RefusedNotYetValid()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions());
        var token = _bed.Mint(_bed.Rsa, d => d.NotBefore = _bed.Time.GetUtcNow().UtcDateTime.AddMinutes(5));

        await AssertRefusedAsync(validator, token, JwtFailures.NotYetValid);

        _bed.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.True((await validator.ValidateAsync(token, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task ValidateAsync_NoExp_RefusedMissingExp()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions());
        var token = _bed.Mint(_bed.Rsa, d => d.Expires = null);

        await AssertRefusedAsync(validator, token, JwtFailures.MissingExp);
    }

    [Fact]
    public async Task ValidateAsync_Hs256WithAKnownKid_RefusedAlgorithmNotAllowed()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions());
        var secret = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = _bed.Rsa.Kid };
        var token = _bed.Mint(new SigningCredentials(secret, SecurityAlgorithms.HmacSha256));

        await AssertRefusedAsync(validator, token, JwtFailures.AlgorithmNotAllowed);
    }

    [Fact]
    public async Task ValidateAsync_AlgNone_RefusedAlgorithmNotAllowed()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions());
        var unsigned = _bed.Mint(signing: null);
        var header = Base64UrlEncoder.Encode("""{"alg":"none","kid":"rsa-1","typ":"JWT"}""");
        var forged = header + unsigned[unsigned.IndexOf('.', StringComparison.Ordinal)..];

        Assert.EndsWith(".", unsigned);
        await AssertRefusedAsync(validator, unsigned, JwtFailures.AlgorithmNotAllowed);
        await AssertRefusedAsync(validator, forged, JwtFailures.AlgorithmNotAllowed);
    }

    [Fact]
    public async Task ValidateAsync_AlgorithmNotConfigured_Refused()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions(o => o.Algorithms.Remove("ES256")));

        await AssertRefusedAsync(validator, _bed.Mint(_bed.Ec), JwtFailures.AlgorithmNotAllowed);
    }

    [Fact]
    public async Task ValidateAsync_SignedByAKeyNotInTheJwks_RefusedUnknownSigningKey()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions());
        using var stranger = TestSigningKey.Rsa("stranger");

        await AssertRefusedAsync(validator, _bed.Mint(stranger), JwtFailures.UnknownSigningKey);
    }

    [Fact]
    public async Task ValidateAsync_OtherKeyUnderAKnownKid_RefusedSignatureInvalid()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions());
        using var impostor = TestSigningKey.Rsa(_bed.Rsa.Kid);

        await AssertRefusedAsync(validator, _bed.Mint(impostor), JwtFailures.SignatureInvalid);
    }

    [Fact]
    public async Task ValidateAsync_TamperedPayload_RefusedSignatureInvalid()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions());
        var parts = _bed.Mint(_bed.Rsa).Split('.');
        var claims = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64UrlEncoder.Decode(parts[1]))!;
        claims["policy"] = JsonSerializer.SerializeToElement("admin");
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(JsonSerializer.Serialize(claims))}.{parts[2]}";

        await AssertRefusedAsync(validator, tampered, JwtFailures.SignatureInvalid);
    }

    [Fact]
    public async Task ValidateAsync_KeyAddedToTheJwksFile_PickedUpWithoutRestart()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions());
        using var next = TestSigningKey.EcP256("ec-2");
        var token = _bed.Mint(next);
        await AssertRefusedAsync(validator, token, JwtFailures.UnknownSigningKey);

        _bed.WriteJwks(_bed.Rsa, _bed.Ec, next);

        var result = await validator.ValidateAsync(token, CancellationToken.None);
        Assert.True(result.Succeeded, result.Failure);
    }

    [Fact]
    public async Task ValidateAsync_KeyRemovedFromTheJwksFile_NoLongerAccepted()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions());
        using var next = TestSigningKey.Rsa("rsa-2");
        _bed.WriteJwks(_bed.Ec, next);
        await validator.ValidateAsync(_bed.Mint(next), CancellationToken.None); // the unknown kid makes it look again

        await AssertRefusedAsync(validator, _bed.Mint(_bed.Rsa), JwtFailures.UnknownSigningKey);
    }

    [Fact]
    public async Task ValidateAsync_JwksFileBrokenLater_KeepsTheLastGoodKeysAndLogsOnce()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions());
        using var next = TestSigningKey.Rsa("rsa-2");
        File.WriteAllText(_bed.JwksPath, "{ not json");

        await AssertRefusedAsync(validator, _bed.Mint(next), JwtFailures.UnknownSigningKey);
        File.WriteAllText(_bed.JwksPath, "{ still not json }");
        await AssertRefusedAsync(validator, _bed.Mint(next), JwtFailures.UnknownSigningKey);

        Assert.True((await validator.ValidateAsync(_bed.Mint(_bed.Rsa), CancellationToken.None)).Succeeded);
        Assert.Equal(1, _bed.Logger.Count(Microsoft.Extensions.Logging.LogLevel.Warning));
    }

    [Fact]
    public async Task ValidateAsync_PolicyClaimMissing_UsesDefaultPolicy()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions(o => o.DefaultPolicy = "reader"));

        var result = await validator.ValidateAsync(_bed.Mint(_bed.Rsa, d => d.Claims.Remove("policy")), CancellationToken.None);

        Assert.Equal("reader", result.Identity?.Policy);
    }

    [Fact]
    public async Task ValidateAsync_PolicyClaimMissingWithoutDefault_RefusedMissingPolicyClaim()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions());

        await AssertRefusedAsync(validator, _bed.Mint(_bed.Rsa, d => d.Claims.Remove("policy")), JwtFailures.MissingPolicyClaim);
    }

    [Fact]
    public async Task ValidateAsync_PolicyClaimNotAString_Refused()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions(o => o.DefaultPolicy = "reader"));

        await AssertRefusedAsync(validator, _bed.Mint(_bed.Rsa, d => d.Claims["policy"] = new[] { "admin" }), JwtFailures.InvalidPolicyClaim);
    }

    [Fact]
    public async Task ValidateAsync_PrincipalClaimMissing_RefusedMissingPrincipalClaim()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions());

        await AssertRefusedAsync(validator, _bed.Mint(_bed.Rsa, d => d.Claims.Remove("sub")), JwtFailures.MissingPrincipalClaim);
    }

    [Fact]
    public async Task ValidateAsync_RoutesClaimAString_OneRoute()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions(o => o.RoutesClaim = "dbs"));

        var result = await validator.ValidateAsync(_bed.Mint(_bed.Rsa, d => d.Claims["dbs"] = "sales"), CancellationToken.None);

        Assert.Equal(["sales"], result.Identity?.Routes);
    }

    [Fact]
    public async Task ValidateAsync_RoutesClaimAnArray_ThoseRoutes()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions());

        var result = await validator.ValidateAsync(_bed.Mint(_bed.Rsa, d => d.Claims["routes"] = new[] { "sales", "hr", "sales" }), CancellationToken.None);

        Assert.Equal(["sales", "hr"], result.Identity?.Routes);
    }

    [Fact]
    public async Task ValidateAsync_RoutesClaimMissing_EveryRoute()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions());

        var result = await validator.ValidateAsync(_bed.Mint(_bed.Rsa), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Empty(result.Identity!.Routes);
    }

    [Fact]
    public async Task ValidateAsync_RoutesClaimEmptyOrNotStrings_RefusedRatherThanWidened()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions());

        await AssertRefusedAsync(validator, _bed.Mint(_bed.Rsa, d => d.Claims["routes"] = Array.Empty<string>()), JwtFailures.InvalidRoutesClaim);
        await AssertRefusedAsync(validator, _bed.Mint(_bed.Rsa, d => d.Claims["routes"] = 5), JwtFailures.InvalidRoutesClaim);
        await AssertRefusedAsync(validator, _bed.Mint(_bed.Rsa, d => d.Claims["routes"] = new object[] { "sales", 5 }), JwtFailures.InvalidRoutesClaim);
    }

    [Theory]
    [InlineData("")]
    [InlineData("pct_0123456789abcdef")]
    [InlineData("eyJ.eyJ")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.!!!.abc")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln.ZXh0cmE")]
    [InlineData("eyJub3QganNvbg.eyJzdWIiOiJ4In0.c2ln")]
    public async Task ValidateAsync_Garbage_RefusedNotAJwtWithoutThrowing(string garbage)
    {
        var validator = await _bed.StartAsync(_bed.FileOptions());

        var result = await validator.ValidateAsync(garbage, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal(JwtFailures.NotAJwt, result.Failure);
    }

    [Fact]
    public async Task ValidateAsync_EveryRefusal_NamesNeitherTheTokenNorAClaimValue()
    {
        var validator = await _bed.StartAsync(_bed.FileOptions());
        using var stranger = TestSigningKey.Rsa("stranger");
        const string secretish = "s3cr3t-claim-value";
        Action<Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor> mark = d =>
        {
            d.Claims["policy"] = secretish;
            d.Claims["note"] = secretish;
        };
        string[] tokens =
        [
            _bed.Mint(_bed.Rsa, d => { mark(d); d.Issuer = secretish; }),
            _bed.Mint(_bed.Rsa, d => { mark(d); d.Audience = secretish; }),
            _bed.Mint(_bed.Rsa, d => { mark(d); d.Expires = d.IssuedAt = d.NotBefore = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc); }),
            _bed.Mint(stranger, mark),
            _bed.Mint(_bed.Rsa, d => { mark(d); d.Claims["routes"] = new[] { secretish, "" }; }),
            _bed.Mint(_bed.Rsa, d => { mark(d); d.Claims.Remove("sub"); }),
        ];

        foreach (var token in tokens)
        {
            var result = await validator.ValidateAsync(token, CancellationToken.None);
            Assert.False(result.Succeeded);
            Assert.DoesNotContain(token, result.Failure!, StringComparison.Ordinal);
            Assert.DoesNotContain(secretish, result.Failure!, StringComparison.Ordinal);
            Assert.DoesNotContain(token.Split('.')[2], result.Failure!, StringComparison.Ordinal);
        }

        Assert.All(_bed.Logger.Entries, entry => Assert.DoesNotContain(secretish, entry.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task LoadKeysAsync_MissingFile_ThrowsNamingTheSetting()
    {
        await using var validator = new JwtValidator(_bed.FileOptions(o => o.JwksFile = Path.Combine(_bed.Directory, "absent.json")), _bed.Logger, time: _bed.Time);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => validator.LoadKeysAsync(CancellationToken.None));

        Assert.Contains("Proxy:Jwt:JwksFile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadKeysAsync_JwksWithOnlyASymmetricKey_Throws()
    {
        File.WriteAllText(_bed.JwksPath, """{"keys":[{"kty":"oct","kid":"h","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"}]}""");
        await using var validator = new JwtValidator(_bed.FileOptions(), _bed.Logger, time: _bed.Time);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => validator.LoadKeysAsync(CancellationToken.None));

        Assert.Contains("no RSA or EC signing key", error.Message, StringComparison.Ordinal);
    }

    private static async Task AssertRefusedAsync(JwtValidator validator, string token, string reason)
    {
        var result = await validator.ValidateAsync(token, CancellationToken.None);
        Assert.False(result.Succeeded);
        Assert.Null(result.Identity);
        Assert.Equal(reason, result.Failure);
        Assert.DoesNotContain(token, result.Failure, StringComparison.Ordinal);
    }
}
