using Npgsql;
using ProxyCluster.IntegrationTests.Fixtures;

namespace ProxyCluster.IntegrationTests.Clients;

/// <summary>
/// A JWT from an OAuth2/OIDC provider as the password (here on the development listener; over TLS in production):
/// signature against the JWKS, iss, aud, exp and nbf enforced, claims to principal, policy and routes.
/// </summary>
[Collection(ProxyCollection.Name)]
public sealed class JwtAuthenticationTests(ProxyFixture fixture)
{
    [Fact]
    public async Task ValidJwt_Connects_AsItsPrincipalUnderItsPolicy()
    {
        var jwt = fixture.Idp.Issue("billing-service", policy: "users-reader", jti: Guid.NewGuid().ToString("N"));

        await using var connection = await OpenAsync(jwt);
        await using var allowed = new NpgsqlCommand("SELECT count(*) FROM users", connection);
        Assert.Equal(2L, (long)(await allowed.ExecuteScalarAsync())!);
        await using var denied = new NpgsqlCommand("SELECT count(*) FROM orders", connection);
        var error = await Assert.ThrowsAsync<PostgresException>(() => denied.ExecuteScalarAsync());
        Assert.Equal("42501", error.SqlState);

        var session = Assert.Single(fixture.Node.Sessions.Snapshot(), s => s.Principal == "billing-service");
        Assert.Matches("^[a-z0-9]{12}$", session.TokenId);
        Assert.DoesNotContain(fixture.Logs.Lines, line => line.Contains(jwt, StringComparison.Ordinal));
        Assert.Contains(fixture.Logs.Lines, line => line.Contains("via jwt", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("wrong-audience")]
    [InlineData("expired")]
    [InlineData("not-yet-valid")]
    [InlineData("no-policy")]
    [InlineData("tampered")]
    public async Task InvalidJwt_IsRefusedLikeAWrongPassword(string defect)
    {
        var jwt = defect switch
        {
            "wrong-audience" => fixture.Idp.Issue("svc", audience: "someone-else"),
            "expired" => fixture.Idp.Issue("svc", lifetime: TimeSpan.FromMinutes(-5), notBefore: DateTimeOffset.UtcNow.AddMinutes(-10)),
            "not-yet-valid" => fixture.Idp.Issue("svc", notBefore: DateTimeOffset.UtcNow.AddMinutes(10), lifetime: TimeSpan.FromMinutes(20)),
            "no-policy" => fixture.Idp.Issue("svc", policy: null),
            _ => Tamper(fixture.Idp.Issue("svc")),
        };

        var error = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(jwt));
        Assert.Equal("28P01", error.SqlState);
        Assert.DoesNotContain(jwt, File.Exists(fixture.AuditFile) ? await File.ReadAllTextAsync(fixture.AuditFile) : "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task JwtExpiringDuringASession_CutsIt()
    {
        var jwt = fixture.Idp.Issue("short-lived-service", lifetime: TimeSpan.FromSeconds(4));
        await using var connection = await OpenAsync(jwt);
        var sleep = new NpgsqlCommand("SELECT pg_sleep(30)", connection).ExecuteNonQueryAsync();

        var finished = await Task.WhenAny(sleep, Task.Delay(TimeSpan.FromSeconds(20)));
        Assert.Same(sleep, finished);
        var error = await Assert.ThrowsAsync<PostgresException>(() => sleep);
        Assert.Equal("57P01", error.SqlState);
        Assert.Contains("expired", error.MessageText, StringComparison.Ordinal);
    }

    private async Task<NpgsqlConnection> OpenAsync(string jwt)
    {
        // Any user name: the JWT says who it is. Cleartext, so only over TLS or on this development listener.
        var builder = new NpgsqlConnectionStringBuilder(fixture.ConnectionString()) { Username = "jwt-user", Password = jwt };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Changes one character of the payload: the signature no longer matches.</summary>
    private static string Tamper(string jwt)
    {
        var parts = jwt.Split('.');
        var payload = parts[1].ToCharArray();
        payload[5] = payload[5] == 'A' ? 'B' : 'A';
        return $"{parts[0]}.{new string(payload)}.{parts[2]}";
    }
}
