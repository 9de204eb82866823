using Npgsql;

namespace ProxyCluster.IntegrationTests.Tls;

/// <summary>TLS from the proxy to PostgreSQL, per route: verify-full, require, disable, and the ways verify-full says no.</summary>
[Collection(TlsProxyCollection.Name)]
public sealed class UpstreamTlsTests(TlsProxyFixture fixture)
{
    [Theory]
    [InlineData("app", true)]
    [InlineData("app_require", true)]
    [InlineData("app_plain", false)]
    public async Task Route_ConnectsUpstreamWithItsTlsMode(string route, bool expectTls)
    {
        var applicationName = $"upstream-tls-{route}";
        var builder = fixture.ConnectionString(fixture.RequirePort, route);
        builder.ApplicationName = applicationName;
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();

        Assert.Equal(expectTls, await fixture.UpstreamUsesTlsAsync(applicationName));
    }

    [Fact]
    public async Task Route_VerifyFullAgainstAnotherCa_Refused08006()
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString(fixture.RequirePort, "app_wrong_ca").ConnectionString);

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());

        Assert.Equal("08006", error.SqlState);
        Assert.Contains("route \"app_wrong_ca\"", error.MessageText, StringComparison.Ordinal);
        Assert.Contains("TLS handshake failed", error.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Route_VerifyFullToAHostTheCertificateDoesNotName_Refused08006()
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString(fixture.RequirePort, "app_wrong_host").ConnectionString);

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());

        Assert.Equal("08006", error.SqlState);
        Assert.Contains("TLS handshake failed", error.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelRequest_OnAVerifyFullRoute_CancelsTheQuery()
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString(fixture.RequirePort).ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_sleep(30)", connection);

        var running = command.ExecuteNonQueryAsync();
        await Task.Delay(300);
        command.Cancel();

        // Npgsql reports a cancel it asked for as OperationCanceledException around the server's 57014.
        var canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal("57014", Assert.IsType<PostgresException>(canceled.InnerException).SqlState);
    }
}
