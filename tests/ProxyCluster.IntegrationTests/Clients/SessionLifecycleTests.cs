using Npgsql;
using ProxyCluster.IntegrationTests.Fixtures;
using ProxyCluster.Protocol.Errors;

namespace ProxyCluster.IntegrationTests.Clients;

/// <summary>Sessions follow their token: the node can end every live session of a token with a FATAL that says why.</summary>
[Collection(ProxyCollection.Name)]
public sealed class SessionLifecycleTests(ProxyFixture fixture)
{
    [Fact]
    public async Task TerminatingAToken_EndsItsSessionsOnly_WithTheStatedError()
    {
        var doomed = fixture.AddToken("doomed");
        await using var first = await fixture.OpenAsync(doomed);
        await using var second = await fixture.OpenAsync(doomed);
        await using var bystander = await fixture.OpenAsync();
        Assert.Equal(2, fixture.Node.Sessions.SessionsOf(doomed.Id).Count);

        var asked = fixture.Node.Sessions.TerminateToken(
            doomed.Id,
            PostgresError.Fatal(SqlState.AdminShutdown, "terminating connection because the token was revoked"),
            "test");
        Assert.Equal(2, asked);

        // Termination is asynchronous (a mailbox); once the sessions are gone, their FATAL is waiting in the socket.
        await WaitUntil(() => fixture.Node.Sessions.SessionsOf(doomed.Id).Count == 0);
        foreach (var connection in new[] { first, second })
        {
            var error = await Assert.ThrowsAsync<PostgresException>(async () =>
            {
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync();
            });
            Assert.Equal(SqlState.AdminShutdown, error.SqlState);
            Assert.Contains("revoked", error.MessageText, StringComparison.Ordinal);
        }

        await using var check = new NpgsqlCommand("SELECT 'unaffected'", bystander);
        Assert.Equal("unaffected", (string)(await check.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task ClosedSessions_LeaveNothingBehindUpstream()
    {
        var token = fixture.AddToken("short-lived");
        var applicationName = $"short-lived-{Guid.NewGuid():N}";
        var builder = new NpgsqlConnectionStringBuilder(fixture.ConnectionString(token)) { ApplicationName = applicationName };
        await using var direct = await fixture.OpenDirectAsync();
        for (var i = 0; i < 5; i++)
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
            Assert.True(await CountUpstreamAsync(direct, applicationName) >= 1); // this one is live upstream
        }

        await WaitUntil(() => fixture.Node.Sessions.SessionsOf(token.Id).Count == 0);
        await WaitUntilAsync(async () => await CountUpstreamAsync(direct, applicationName) == 0);
    }

    [Fact]
    public async Task SessionCutMidStatement_StatementStopsUpstreamToo()
    {
        // Without a cancel the server would run the statement to its end (here 60 s) before reading Terminate,
        // holding a backend for a session that no longer exists.
        var token = fixture.AddToken("cut-mid-statement");
        var applicationName = $"cut-mid-statement-{Guid.NewGuid():N}";
        var builder = new NpgsqlConnectionStringBuilder(fixture.ConnectionString(token)) { ApplicationName = applicationName };
        await using var direct = await fixture.OpenDirectAsync();
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        var sleep = new NpgsqlCommand("SELECT pg_sleep(60)", connection).ExecuteNonQueryAsync();
        await WaitUntilAsync(async () => await CountUpstreamAsync(direct, applicationName) == 1);

        fixture.Node.Sessions.TerminateToken(token.Id, ProxyCluster.Sessions.Lifecycle.TokenTerminations.Revoked, "test");

        await Assert.ThrowsAsync<PostgresException>(() => sleep);
        await WaitUntilAsync(async () => await CountUpstreamAsync(direct, applicationName) == 0);
    }

    private static async Task<long> CountUpstreamAsync(NpgsqlConnection direct, string applicationName)
    {
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE usename = @role AND application_name = @name", direct);
        count.Parameters.AddWithValue("role", ProxyFixture.AppRole);
        count.Parameters.AddWithValue("name", applicationName);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task NodeLogs_NeverContainATokenOrTheUpstreamPassword()
    {
        var token = fixture.AddToken("log-check");
        await using (var connection = await fixture.OpenAsync(token))
        {
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync();
        }

        await using (var wrong = new NpgsqlConnection(fixture.ConnectionString(token with { Token = ProxyCluster.Tokens.ApiToken.MintWithId(token.Id) })))
        {
            await Assert.ThrowsAsync<PostgresException>(() => wrong.OpenAsync());
        }

        var secret = token.Token[(ProxyCluster.Tokens.ApiToken.Prefix.Length + ProxyCluster.Tokens.ApiToken.IdLength + 1)..];
        Assert.NotEmpty(fixture.Logs.Lines);
        Assert.DoesNotContain(fixture.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.Logs.Lines, line => line.Contains(fixture.UpstreamPassword, StringComparison.Ordinal));
    }

    private static Task WaitUntil(Func<bool> condition) => Eventually.True(condition, "condition");

    private static Task WaitUntilAsync(Func<Task<bool>> condition) => Eventually.TrueAsync(condition, "condition");
}
