using Npgsql;
using ProxyCluster.IntegrationTests.Fixtures;

namespace ProxyCluster.IntegrationTests.Tls;

/// <summary>Client certificates (mTLS): a verified certificate that maps to a token logs in as it, without a password.</summary>
[Collection(TlsProxyCollection.Name)]
public sealed class MutualTlsTests(TlsProxyFixture fixture)
{
    /// <summary>Presented as PGPASSWORD where none should be needed: it is no token the node knows.</summary>
    private static readonly TestToken NoPassword = TestToken.Mint("nobody");

    private (string Certificate, string Key) Write(IssuedCertificate certificate, string name)
    {
        var certificateFile = Path.Combine(fixture.Directory, name + ".crt");
        var keyFile = Path.Combine(fixture.Directory, name + ".key");
        certificate.WriteTo(certificateFile, keyFile);
        return (certificateFile, keyFile);
    }

    private Task<ClientProcess.Result> PsqlWithCertificateAsync(string user, (string Certificate, string Key) files, TestToken? password = null) =>
        fixture.PsqlAsync(
            $"host=127.0.0.1 port={fixture.RequirePort} dbname={TlsProxyFixture.AppDatabase} user={user} " +
            $"sslmode=verify-full sslrootcert={fixture.ProxyCaFile} sslcert={files.Certificate} sslkey={files.Key}",
            password ?? NoPassword,
            "-tA", "-c", "SELECT current_user");

    [Fact]
    public async Task Psql_CertificateMappedToAToken_LogsInAsItsPrincipalWithoutAPassword()
    {
        var files = Write(fixture.ClientCa.IssueClient("billing-api"), "billing");

        var result = await PsqlWithCertificateAsync("billing-api", files);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(TlsProxyFixture.AppRole, result.StandardOutput.Trim());
        Assert.Contains(fixture.Logs.Lines, line => line.Contains($"token {fixture.CertificateToken.Id} (billing-api)", StringComparison.Ordinal) && line.Contains("via client-certificate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Npgsql_CertificateMappedToAToken_LogsInAsTheTokenUser()
    {
        var files = Write(fixture.ClientCa.IssueClient("billing-api"), "billing-npgsql");
        var builder = fixture.ConnectionString(fixture.RequirePort, token: fixture.CertificateToken);
        builder.Password = NoPassword.Token;
        builder.SslCertificate = files.Certificate;
        builder.SslKey = files.Key;
        await using var connection = new NpgsqlConnection(builder.ConnectionString);

        await connection.OpenAsync();

        await using var command = new NpgsqlCommand("SELECT 1", connection);
        Assert.Equal(1, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Psql_CertificateForAnotherUser_FallsBackToPasswordAuthentication()
    {
        // The certificate maps to billing-api; the startup names the default token, whose secret is the password.
        var files = Write(fixture.ClientCa.IssueClient("billing-api"), "billing-other-user");

        var withPassword = await PsqlWithCertificateAsync(fixture.DefaultToken.User, files, fixture.DefaultToken);
        var withoutPassword = await PsqlWithCertificateAsync(fixture.DefaultToken.User, files);

        Assert.True(withPassword.ExitCode == 0, withPassword.StandardError);
        Assert.Equal(2, withoutPassword.ExitCode);
        Assert.Contains("password authentication failed", withoutPassword.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Psql_ExpiredCertificate_RefusedInTheHandshake()
    {
        var now = DateTimeOffset.UtcNow;
        var files = Write(fixture.ClientCa.IssueClient("billing-api", [], now.AddDays(-10), now.AddDays(-1)), "billing-expired");

        var result = await PsqlWithCertificateAsync("billing-api", files);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("SSL", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(fixture.Logs.Lines, line => line.Contains("TLS handshake with", StringComparison.Ordinal) && line.Contains("RemoteCertificateValidationCallback", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Psql_CertificateFromAnUnknownCa_RefusedInTheHandshake()
    {
        var files = Write(fixture.DatabaseCa.IssueClient("billing-api"), "billing-stranger");

        var result = await PsqlWithCertificateAsync("billing-api", files);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("SSL", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(fixture.Logs.Lines, line => line.Contains("TLS handshake with", StringComparison.Ordinal) && line.Contains("RemoteCertificateValidationCallback", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Psql_CertificateOfARevokedToken_Refused28P01()
    {
        var files = Write(fixture.ClientCa.IssueClient("revoked-service", new Uri("spiffe://tests/revoked")), "revoked");
        var before = await PsqlWithCertificateAsync("revoked-service", files);
        Assert.True(before.ExitCode == 0, before.StandardError);

        fixture.Node.Tokens.Remove(fixture.RevokedCertificateToken.Id);
        try
        {
            var after = await PsqlWithCertificateAsync("revoked-service", files);
            var byTokenUser = await PsqlWithCertificateAsync(fixture.RevokedCertificateToken.User, files);

            Assert.Equal(2, after.ExitCode);
            Assert.Equal(2, byTokenUser.ExitCode);
            Assert.Contains("password authentication failed", byTokenUser.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            fixture.Node.Tokens.Upsert(fixture.RevokedCertificateToken.Record);
        }
    }
}
