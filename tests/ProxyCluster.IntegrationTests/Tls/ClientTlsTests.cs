using Npgsql;
using ProxyCluster.IntegrationTests.Fixtures;

namespace ProxyCluster.IntegrationTests.Tls;

/// <summary>Real clients (libpq's psql, Npgsql) negotiating TLS with the proxy, and what happens to those that do not.</summary>
[Collection(TlsProxyCollection.Name)]
public sealed class ClientTlsTests(TlsProxyFixture fixture)
{
    private string Libpq(int port, string options, string? user = null) =>
        $"host=127.0.0.1 port={port} dbname={TlsProxyFixture.AppDatabase} user={user ?? fixture.DefaultToken.User} {options}";

    [Fact]
    public async Task Psql_VerifyFullWithTheProxyCa_ConnectsOverTls()
    {
        var result = await fixture.PsqlAsync(
            Libpq(fixture.PreferPort, $"sslmode=verify-full sslrootcert={fixture.ProxyCaFile}"),
            arguments: ["-c", @"\conninfo", "-tA", "-c", "SELECT 'through the proxy'"]);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("SSL connection (protocol: TLSv1.3", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("through the proxy", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Psql_SessionOverTlsCutByRevocation_ReceivesTheFatalError()
    {
        // A regression: the relay cancelled a flush that was not pending, the goodbye's flush then failed after
        // TLS had encrypted it, and the client saw a bad record MAC instead of the FATAL.
        var token = fixture.AddToken("revoked-over-tls");
        var psql = fixture.PsqlAsync(
            Libpq(fixture.RequirePort, $"sslmode=verify-full sslrootcert={fixture.ProxyCaFile}", token.User),
            token,
            "-tA", "-c", "SELECT pg_sleep(30)");
        await Eventually.True(() => fixture.Node.Sessions.SessionsOf(token.Id).Count == 1, "the psql session is open");

        fixture.Node.Sessions.TerminateToken(token.Id, ProxyCluster.Sessions.Lifecycle.TokenTerminations.Revoked, "test");
        var result = await psql;

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("FATAL:  terminating connection because the token was revoked", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("bad record mac", result.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Psql_JwtAsPasswordOverVerifyFullTls_ConnectsAsItsPrincipal()
    {
        var jwt = fixture.Idp.Issue("psql-jwt-service", jti: Guid.NewGuid().ToString("N"));

        var result = await fixture.PsqlWithPasswordAsync(
            Libpq(fixture.RequirePort, $"sslmode=verify-full sslrootcert={fixture.ProxyCaFile}", user: "any-user"),
            jwt,
            "-tA", "-c", "SELECT 'via jwt'");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("via jwt", result.StandardOutput.Trim());
        Assert.Contains(fixture.Logs.Lines, line => line.Contains("psql-jwt-service", StringComparison.Ordinal) && line.Contains("via jwt", StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.Logs.Lines, line => line.Contains(jwt, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Psql_ChannelBindingRequire_AuthenticatesWithScramPlus()
    {
        var token = fixture.AddToken("channel-binding");
        var result = await fixture.PsqlAsync(
            Libpq(fixture.RequirePort, $"sslmode=verify-full sslrootcert={fixture.ProxyCaFile} channel_binding=require", token.User),
            token,
            "-tA", "-c", "SELECT 42");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("42", result.StandardOutput.Trim());
        Assert.Contains(fixture.Logs.Lines, line => line.Contains($"token {token.Id}", StringComparison.Ordinal) && line.Contains("via scram-sha-256-plus", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Psql_ChannelBindingRequireWithoutTls_RefusedByTheClient()
    {
        // libpq will not send its proof unless the server proves the channel: without TLS there is no -PLUS to pick.
        var result = await fixture.PsqlAsync(Libpq(fixture.PreferPort, "sslmode=disable channel_binding=require"), arguments: ["-c", "SELECT 1"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("channel binding", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Psql_VerifyFullWithAnotherCa_RefusedByTheClient()
    {
        var result = await fixture.PsqlAsync(Libpq(fixture.PreferPort, $"sslmode=verify-full sslrootcert={fixture.DatabaseCaFile}"), arguments: ["-c", "SELECT 1"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("certificate verify failed", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Psql_TokenAsCleartextPasswordOverTls_Connects()
    {
        // Any user name with the whole token as the password: allowed because the password travels under TLS.
        var result = await fixture.PsqlAsync(
            Libpq(fixture.RequirePort, $"sslmode=verify-full sslrootcert={fixture.ProxyCaFile}", "billing-service"),
            arguments: ["-tA", "-c", "SELECT current_user"]);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(TlsProxyFixture.AppRole, result.StandardOutput.Trim());
    }

    [Fact]
    public async Task Psql_NoTlsOnARequireListener_Refused28000()
    {
        var result = await fixture.PsqlAsync(Libpq(fixture.RequirePort, "sslmode=disable"), arguments: ["-c", "SELECT 1"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no encryption", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Npgsql_NoTlsOnARequireListener_Refused28000()
    {
        var builder = fixture.ConnectionString(fixture.RequirePort);
        builder.SslMode = SslMode.Disable;
        await using var connection = new NpgsqlConnection(builder.ConnectionString);

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());

        Assert.Equal("28000", error.SqlState);
        Assert.Contains("no encryption", error.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Psql_TokenAsCleartextPasswordWithoutTls_Refused()
    {
        // On a listener that is not marked for local development, the proxy never asks for a cleartext password
        // on a connection without TLS: it offers SCRAM, and a user name that is not a token id cannot pass it.
        var result = await fixture.PsqlAsync(Libpq(fixture.PreferPort, "sslmode=disable", "billing-service"), arguments: ["-c", "SELECT 1"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("password authentication failed for user \"billing-service\"", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Psql_ScramWithoutTlsOnAPreferListener_Connects()
    {
        var result = await fixture.PsqlAsync(Libpq(fixture.PreferPort, "sslmode=disable"), arguments: ["-tA", "-c", "SELECT 'in the clear'"]);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("in the clear", result.StandardOutput.Trim());
    }

    [Fact]
    public async Task Npgsql_VerifyFullWithChannelBindingRequire_Connects()
    {
        var token = fixture.AddToken("npgsql-plus");
        var builder = fixture.ConnectionString(fixture.RequirePort, token: token);
        builder.ChannelBinding = ChannelBinding.Require;
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();

        await using var command = new NpgsqlCommand("SELECT 7 * 6", connection);
        Assert.Equal(42, await command.ExecuteScalarAsync());
        Assert.Contains(fixture.Logs.Lines, line => line.Contains($"token {token.Id}", StringComparison.Ordinal) && line.Contains("via scram-sha-256-plus", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Npgsql_DirectTls_ConnectsWithoutSslRequest()
    {
        var builder = fixture.ConnectionString(fixture.RequirePort);
        builder.SslNegotiation = SslNegotiation.Direct;
        builder.ApplicationName = "direct-tls";
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();

        await using var command = new NpgsqlCommand("SELECT current_setting('application_name')", connection);
        Assert.Equal("direct-tls", await command.ExecuteScalarAsync());
        Assert.Contains(fixture.Logs.Lines, line => line.Contains("TLS from", StringComparison.Ordinal) && line.Contains("(direct)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Npgsql_VerifyFullWithAnotherCa_RefusedByTheClient()
    {
        var builder = fixture.ConnectionString(fixture.PreferPort);
        builder.RootCertificate = fixture.DatabaseCaFile;
        await using var connection = new NpgsqlConnection(builder.ConnectionString);

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => connection.OpenAsync());
    }
}
