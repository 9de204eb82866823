using System.Diagnostics;
using Npgsql;

namespace ProxyCluster.IntegrationTests.Tls;

/// <summary>Replacing the certificate files while sessions are open: new handshakes get the new certificate, nobody is dropped.</summary>
[Collection(TlsProxyCollection.Name)]
public sealed class CertificateRotationTests(TlsProxyFixture fixture)
{
    private static readonly TimeSpan ReloadBound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ReplaceCertificateFiles_WhileASessionIsOpen_NewHandshakesGetItAndTheSessionContinues()
    {
        await using var open = new NpgsqlConnection(fixture.ConnectionString(fixture.RequirePort).ConnectionString);
        await open.OpenAsync();
        var backend = await ScalarAsync<int>(open, "SELECT pg_backend_pid()");
        var before = await PresentedThumbprintAsync();

        var rotated = fixture.RotateCertificate();

        var deadline = Stopwatch.StartNew();
        var presented = before;
        while (presented != rotated.Certificate.Thumbprint && deadline.Elapsed < ReloadBound)
        {
            await Task.Delay(100);
            presented = await PresentedThumbprintAsync();
        }

        Assert.NotEqual(before, rotated.Certificate.Thumbprint);
        Assert.Equal(rotated.Certificate.Thumbprint, presented);

        // The session that started on the old certificate is the same session, still working.
        Assert.Equal(backend, await ScalarAsync<int>(open, "SELECT pg_backend_pid()"));
        Assert.Equal("still here", await ScalarAsync<string>(open, "SELECT 'still here'"));

        // Channel binding follows the certificate each handshake presented.
        var token = fixture.AddToken("after-rotation");
        var psql = await fixture.PsqlAsync(
            $"host=127.0.0.1 port={fixture.RequirePort} dbname={TlsProxyFixture.AppDatabase} user={token.User} sslmode=verify-full sslrootcert={fixture.ProxyCaFile} channel_binding=require",
            token,
            "-tA", "-c", "SELECT 1");
        Assert.True(psql.ExitCode == 0, psql.StandardError);
    }

    [Fact]
    public async Task ReplaceCertificateWithAMismatchedKey_KeepsServingTheLastGoodOne()
    {
        var current = await PresentedThumbprintAsync();
        var other = fixture.ProxyCa.IssueForLoopback("mismatched");
        var keyBefore = await File.ReadAllTextAsync(fixture.KeyFile);
        var certificateBefore = await File.ReadAllTextAsync(fixture.CertificateFile);
        try
        {
            // A new certificate next to the old key: a half-finished rotation.
            await File.WriteAllTextAsync(fixture.CertificateFile, other.CertificatePem);
            var deadline = Stopwatch.StartNew();
            while (!fixture.Logs.Lines.Any(line => line.Contains("not usable, keeping the current one", StringComparison.Ordinal)) && deadline.Elapsed < ReloadBound)
            {
                await Task.Delay(100);
            }

            Assert.Contains(fixture.Logs.Lines, line => line.Contains("not usable, keeping the current one", StringComparison.Ordinal));
            Assert.Equal(current, await PresentedThumbprintAsync());
        }
        finally
        {
            await File.WriteAllTextAsync(fixture.CertificateFile, certificateBefore);
            await File.WriteAllTextAsync(fixture.KeyFile, keyBefore);
        }
    }

    private async Task<string> PresentedThumbprintAsync()
    {
        await using var probe = await TlsProbe.ConnectAsync(fixture.RequirePort);
        Assert.Equal('S', await probe.RequestSslAsync());
        await probe.HandshakeAsync();
        return probe.ServerCertificate!.Thumbprint;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
