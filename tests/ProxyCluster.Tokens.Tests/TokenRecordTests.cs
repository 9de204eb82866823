using System.Text;
using ProxyCluster.Protocol.Scram;

namespace ProxyCluster.Tokens.Tests;

public sealed class TokenRecordTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Create_TakesTheIdFromTheToken()
    {
        var token = ApiToken.Mint(out var id);

        var record = TokenRecord.Create(token, "demo", TokenRecord.DefaultPolicy, ["demo"], null);

        Assert.Equal(id, record.Id);
        Assert.Equal("demo", record.Principal);
        Assert.Equal("unrestricted", record.Policy);
        Assert.Equal(["demo"], record.Routes);
        Assert.Null(record.ExpiresAt);
        Assert.Single(record.Secrets);
        Assert.Null(record.Secrets[0].NotAfter);
    }

    [Fact]
    public void Create_MalformedToken_ThrowsWithoutEchoingIt()
    {
        var token = ApiToken.Mint(out _);
        var typo = token[..^1] + (token[^1] == 'a' ? 'b' : 'a');

        var error = Assert.Throws<ArgumentException>(() => TokenRecord.Create(typo, "demo", "unrestricted", [], null));

        Assert.DoesNotContain(typo[17..], error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "unrestricted")]
    [InlineData("  ", "unrestricted")]
    [InlineData("demo", "")]
    public void Constructor_EmptyPrincipalOrPolicy_Throws(string principal, string policy)
    {
        var secret = TokenSecretVerifier.Create(ApiToken.Mint(out var id));

        Assert.Throws<ArgumentException>(() => new TokenRecord(id, principal, policy, [], null, [secret]));
    }

    [Fact]
    public void Constructor_NoSecrets_MakesARecordThatNoSecretAuthenticates()
    {
        // External identities (JWTs) have none: they are proven by a signature, never by a secret of ours.
        var token = ApiToken.Mint(out var id);
        var record = new TokenRecord(id, "demo", "unrestricted", [], null, []) { IsExternal = true };

        Assert.False(record.VerifyCleartext(token, DateTimeOffset.UtcNow));
        Assert.Empty(record.ActiveScramVerifiers(DateTimeOffset.UtcNow));
    }

    [Fact]
    public void Constructor_EmptyRouteOrBadId_Throws()
    {
        var secret = TokenSecretVerifier.Create(ApiToken.Mint(out var id));

        Assert.Throws<ArgumentException>(() => new TokenRecord(id, "demo", "unrestricted", [""], null, [secret]));
        Assert.Throws<ArgumentException>(() => new TokenRecord("nope", "demo", "unrestricted", [], null, [secret]));
    }

    [Fact]
    public void With_ValidatesToo()
    {
        var record = TokenRecord.Create(ApiToken.Mint(out _), "demo", "unrestricted", [], null);

        Assert.Throws<ArgumentException>(() => record with { Principal = "" });
        Assert.Equal(["sales"], (record with { Routes = ["sales"] }).Routes);
    }

    [Fact]
    public void Routes_AreCopied_SoTheCallerCannotChangeThem()
    {
        var routes = new List<string> { "demo" };
        var record = TokenRecord.Create(ApiToken.Mint(out _), "demo", "unrestricted", routes, null);

        routes.Add("admin");

        Assert.False(record.AllowsRoute("admin"));
    }

    [Fact]
    public void VerifyCleartext_TheToken_True()
    {
        var token = ApiToken.Mint(out _);
        var record = TokenRecord.Create(token, "demo", "unrestricted", [], null);

        Assert.True(record.VerifyCleartext(token, Now));
    }

    [Fact]
    public void VerifyCleartext_AnotherSecretForTheSameId_False()
    {
        var token = ApiToken.Mint(out var id);
        var record = TokenRecord.Create(token, "demo", "unrestricted", [], null);

        Assert.False(record.VerifyCleartext(ApiToken.MintWithId(id), Now));
        Assert.False(record.VerifyCleartext(ApiToken.Mint(out _), Now));
        Assert.False(record.VerifyCleartext(token[..^1], Now));
        Assert.False(record.VerifyCleartext("", Now));
    }

    [Fact]
    public void ActiveScramVerifiers_AcceptTheTokenAsThePassword()
    {
        var token = ApiToken.Mint(out _);
        var record = TokenRecord.Create(token, "demo", "unrestricted", [], null);

        Assert.True(ScramLogin(record.ActiveScramVerifiers(Now), token));
        Assert.False(ScramLogin(record.ActiveScramVerifiers(Now), ApiToken.Mint(out _)));
    }

    [Fact]
    public void Rotation_OldSecretWorksUntilItsDeadline()
    {
        var (record, oldToken, newToken) = Rotated(deadline: Now.AddHours(1));

        Assert.Equal(2, record.ActiveScramVerifiers(Now).Count);
        Assert.True(record.VerifyCleartext(oldToken, Now));
        Assert.True(record.VerifyCleartext(newToken, Now));
        Assert.True(ScramLogin(record.ActiveScramVerifiers(Now), oldToken));
        Assert.True(ScramLogin(record.ActiveScramVerifiers(Now), newToken));
    }

    [Fact]
    public void Rotation_OldSecretPastItsDeadline_IsNotActive()
    {
        var (record, oldToken, newToken) = Rotated(deadline: Now.AddSeconds(-1));

        var active = record.ActiveScramVerifiers(Now);
        Assert.Equal([record.Secrets[0].Scram], active);
        Assert.False(record.VerifyCleartext(oldToken, Now));
        Assert.True(record.VerifyCleartext(newToken, Now));
        Assert.False(ScramLogin(active, oldToken));
        Assert.True(ScramLogin(active, newToken));
    }

    [Fact]
    public void Rotation_DeadlineIsExclusive()
    {
        var (record, oldToken, _) = Rotated(deadline: Now);

        Assert.Single(record.ActiveScramVerifiers(Now));
        Assert.False(record.VerifyCleartext(oldToken, Now));
        Assert.True(record.VerifyCleartext(oldToken, Now.AddTicks(-1)));
    }

    [Fact]
    public void MatchCleartext_NamesTheSecretThatMatched()
    {
        var (record, oldToken, newToken) = Rotated(deadline: Now.AddHours(1));

        Assert.Same(record.Secrets[1], record.MatchCleartext(oldToken, Now));
        Assert.Same(record.Secrets[0], record.MatchCleartext(newToken, Now));
        Assert.Null(record.MatchCleartext(oldToken, Now.AddHours(1)));
        Assert.Null(record.MatchCleartext(ApiToken.Mint(out _), Now));
    }

    [Fact]
    public void StillAccepts_ASessionsSecret_UntilARotationRetiresIt()
    {
        var first = ApiToken.Mint(out var id);
        var before = TokenRecord.Create(first, "demo", "unrestricted", [], null);
        var sessionSecret = before.MatchCleartext(first, Now)!;

        var rotated = before.WithRotatedSecret(ApiToken.MintWithId(id), Now.AddMinutes(5));

        Assert.True(before.StillAccepts(sessionSecret, Now));
        Assert.True(rotated.StillAccepts(sessionSecret, Now.AddMinutes(5).AddTicks(-1)));
        Assert.False(rotated.StillAccepts(sessionSecret, Now.AddMinutes(5)));
        Assert.False(rotated.StillAccepts(rotated.Secrets[0] with { Sha256 = new byte[32] }, Now)); // a secret it never had
        Assert.True(rotated.StillAccepts(rotated.Secrets[0], Now.AddYears(1)));
    }

    [Fact]
    public void WithRotatedSecret_PutsTheNewSecretFirst_AndKeepsEarlierDeadlines()
    {
        var first = ApiToken.Mint(out var id);
        var second = ApiToken.MintWithId(id);
        var third = ApiToken.MintWithId(id);

        var record = TokenRecord.Create(first, "demo", "unrestricted", [], null)
            .WithRotatedSecret(second, Now.AddHours(1))
            .WithRotatedSecret(third, Now.AddHours(2));

        Assert.Equal(3, record.Secrets.Count);
        Assert.Null(record.Secrets[0].NotAfter);
        Assert.Equal(Now.AddHours(2), record.Secrets[1].NotAfter);
        Assert.Equal(Now.AddHours(1), record.Secrets[2].NotAfter);
        Assert.True(record.VerifyCleartext(third, Now));
        Assert.True(record.VerifyCleartext(first, Now));
        Assert.False(record.VerifyCleartext(first, Now.AddHours(1)));
        Assert.True(record.VerifyCleartext(second, Now.AddHours(1)));
    }

    [Fact]
    public void WithRotatedSecret_TokenForAnotherId_Throws()
    {
        var record = TokenRecord.Create(ApiToken.Mint(out _), "demo", "unrestricted", [], null);

        Assert.Throws<ArgumentException>(() => record.WithRotatedSecret(ApiToken.Mint(out _), Now));
    }

    [Fact]
    public void Constructor_SecretsWithDifferentScramSalts_Throws()
    {
        // The SCRAM exchange announces one salt for all candidates, so a record must not mix them.
        var oldToken = ApiToken.Mint(out var id);
        var newToken = ApiToken.MintWithId(id);

        Assert.Throws<ArgumentException>(() => new TokenRecord(
            id,
            "demo",
            "unrestricted",
            [],
            null,
            [TokenSecretVerifier.Create(newToken), TokenSecretVerifier.Create(oldToken, Now)]));
    }

    [Fact]
    public void IsExpired_FromTheExpiryInstantOn()
    {
        var record = TokenRecord.Create(ApiToken.Mint(out _), "demo", "unrestricted", [], Now);

        Assert.False(record.IsExpired(Now.AddTicks(-1)));
        Assert.True(record.IsExpired(Now));
        Assert.True(record.IsExpired(Now.AddDays(1)));
    }

    [Fact]
    public void IsExpired_NoExpiry_Never()
    {
        var record = TokenRecord.Create(ApiToken.Mint(out _), "demo", "unrestricted", [], null);

        Assert.False(record.IsExpired(DateTimeOffset.MaxValue));
    }

    [Fact]
    public void AllowsRoute_ListedRoutesOnly_CaseSensitive()
    {
        var record = TokenRecord.Create(ApiToken.Mint(out _), "demo", "unrestricted", ["demo", "sales"], null);

        Assert.True(record.AllowsRoute("demo"));
        Assert.True(record.AllowsRoute("sales"));
        Assert.False(record.AllowsRoute("Demo"));
        Assert.False(record.AllowsRoute("postgres"));
    }

    [Fact]
    public void AllowsRoute_NoRoutes_AllowsEveryRoute()
    {
        var record = TokenRecord.Create(ApiToken.Mint(out _), "demo", "unrestricted", [], null);

        Assert.True(record.AllowsRoute("demo"));
        Assert.True(record.AllowsRoute("anything"));
    }

    [Fact]
    public void Equality_ComparesContentsIncludingLists()
    {
        var record = TokenRecord.Create(ApiToken.Mint(out _), "demo", "unrestricted", ["demo"], Now);
        var copy = new TokenRecord(record.Id, "demo", "unrestricted", new List<string> { "demo" }, Now, record.Secrets.ToList());

        Assert.Equal(record, copy);
        Assert.Equal(record.GetHashCode(), copy.GetHashCode());
        Assert.NotEqual(record, copy with { Routes = ["other"] });
        Assert.NotEqual(record, copy with { Secrets = [record.Secrets[0] with { NotAfter = Now }] });
    }

    [Fact]
    public void SecretVerifier_StoresNeitherTheTokenNorItsSecret()
    {
        var token = ApiToken.Mint(out _);
        var secret = TokenSecretVerifier.Create(token);
        var stored = secret.Scram.ToPostgresString() + Convert.ToBase64String(secret.Sha256) + secret;

        Assert.DoesNotContain(token[17..60], stored, StringComparison.Ordinal);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(token)), secret.Sha256);
    }

    private static (TokenRecord Record, string OldToken, string NewToken) Rotated(DateTimeOffset deadline)
    {
        var oldToken = ApiToken.Mint(out var id);
        var newToken = ApiToken.MintWithId(id);
        var record = TokenRecord.Create(oldToken, "demo", "unrestricted", [], null).WithRotatedSecret(newToken, deadline);
        return (record, oldToken, newToken);
    }

    /// <summary>A whole SCRAM-SHA-256 conversation: a client with the password against the stored verifiers.</summary>
    private static bool ScramLogin(IReadOnlyList<ScramVerifier> verifiers, string password)
    {
        var client = new ScramClientExchange(password);
        var server = new ScramServerExchange(verifiers);
        Assert.Equal(ScramResult.Continue, server.HandleClientFirst(client.CreateClientFirstMessage(), out var serverFirst));
        Assert.True(client.TryCreateClientFinalMessage(serverFirst, out var clientFinal));
        var result = server.HandleClientFinal(clientFinal, out var serverFinal);
        return result == ScramResult.Success && client.VerifyServerFinalMessage(serverFinal);
    }
}
