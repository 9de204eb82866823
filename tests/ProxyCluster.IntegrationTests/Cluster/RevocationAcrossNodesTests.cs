using System.Text.Json.Nodes;
using Npgsql;
using ProxyCluster.IntegrationTests.Fixtures;

namespace ProxyCluster.IntegrationTests.Cluster;

/// <summary>
/// The promise of the control plane, end to end on three real nodes and one real control store: a token issued
/// on one node works on all, and a revocation through any node is refused everywhere and cuts every live session.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RevocationAcrossNodesTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Revoke_ThroughNodeC_RefusesEverywhereAndCutsSessionsOnAAndB()
    {
        using var adminA = cluster.Admin(0);
        using var adminC = cluster.Admin(2);
        var token = await adminA.CreateTokenAsync("revoked-everywhere");

        // A token issued through A is usable on every node within a bounded wait (replication).
        var sessionOnA = await OpenWhenAcceptedAsync(0, token);
        var sessionOnB = await OpenWhenAcceptedAsync(1, token);
        await using (sessionOnA)
        await using (sessionOnB)
        {
            var sleepA = new NpgsqlCommand("select pg_sleep(30)", sessionOnA).ExecuteNonQueryAsync();
            var sleepB = new NpgsqlCommand("select pg_sleep(30)", sessionOnB).ExecuteNonQueryAsync();

            var (status, body) = await adminC.RevokeAsync(token.Id, "leaked in a log");
            Assert.Equal(200, status);
            Assert.Equal("revoked", body!["token"]!["status"]!.GetValue<string>());
            Assert.False(body["already_revoked"]!.GetValue<bool>());

            foreach (var sleep in new[] { sleepA, sleepB })
            {
                var finished = await Task.WhenAny(sleep, Task.Delay(TimeSpan.FromSeconds(10)));
                Assert.Same(sleep, finished);
                var error = await Assert.ThrowsAnyAsync<Exception>(() => sleep);
                var postgres = error as PostgresException ?? error.InnerException as PostgresException;
                Assert.NotNull(postgres);
                Assert.Equal("57P01", postgres.SqlState);
                Assert.Contains("token was revoked", postgres.MessageText, StringComparison.Ordinal);
            }
        }

        for (var node = 0; node < ClusterFixture.NodeCount; node++)
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => cluster.OpenAsync(node, token.User, token.Token));
            Assert.Equal("28P01", refused.SqlState);
        }
    }

    [Fact]
    public async Task RevokeJwtByJti_ThroughNodeC_RefusesEverywhereAndCutsSessionsOnAAndB()
    {
        var jti = Guid.NewGuid().ToString("N");
        var jwt = cluster.Idp.Issue("jwt-service", jti: jti);
        var sessionOnA = await cluster.OpenAsync(0, "jwt-user", jwt);
        var sessionOnB = await cluster.OpenAsync(1, "jwt-user", jwt);
        await using (sessionOnA)
        await using (sessionOnB)
        {
            var sleeps = new[]
            {
                new NpgsqlCommand("select pg_sleep(30)", sessionOnA).ExecuteNonQueryAsync(),
                new NpgsqlCommand("select pg_sleep(30)", sessionOnB).ExecuteNonQueryAsync(),
            };

            using var adminC = cluster.Admin(2);
            var (status, body) = await adminC.PostAsync("v1/jwt/revoke", new System.Text.Json.Nodes.JsonObject
            {
                ["issuer"] = TestIdentityProvider.Issuer,
                ["jti"] = jti,
                ["reason"] = "laptop stolen",
            });
            Assert.True(status == 200, body?.ToJsonString());
            Assert.Equal("revoked", body!["token"]!["status"]!.GetValue<string>());

            foreach (var sleep in sleeps)
            {
                Assert.Same(sleep, await Task.WhenAny(sleep, Task.Delay(TimeSpan.FromSeconds(10))));
                var error = await Assert.ThrowsAsync<PostgresException>(() => sleep);
                Assert.Equal("57P01", error.SqlState);
                Assert.Contains("revoked", error.MessageText, StringComparison.Ordinal);
            }
        }

        for (var node = 0; node < ClusterFixture.NodeCount; node++)
        {
            Assert.False(await cluster.AcceptsAsync(node, "jwt-user", jwt), $"node {node + 1} still accepts the revoked JWT");
        }

        Assert.True(await cluster.AcceptsAsync(0, "jwt-user", cluster.Idp.Issue("jwt-service", jti: Guid.NewGuid().ToString("N"))), "another JWT of the same subject still works");
    }

    [Fact]
    public async Task Revoke_Twice_SecondAnswersAlreadyRevokedAndJournalHasOneRevocation()
    {
        using var admin = cluster.Admin(1);
        var token = await admin.CreateTokenAsync("revoked-twice");

        var first = await admin.RevokeAsync(token.Id, "first");
        var second = await cluster.Admin(2).RevokeAsync(token.Id, "second");

        Assert.Equal(200, first.Status);
        Assert.Equal(200, second.Status);
        Assert.False(first.Body!["already_revoked"]!.GetValue<bool>());
        Assert.True(second.Body!["already_revoked"]!.GetValue<bool>());
        Assert.Equal("first", second.Body["token"]!["end_reason"]!.GetValue<string>());
        await using var direct = new NpgsqlConnection(cluster.ControlServer.ConnectionString(ClusterFixture.ControlDatabase));
        await direct.OpenAsync();
        await using var count = new NpgsqlCommand("select count(*) from proxycluster.token_events where token_id = @id and event_type = 'revoked'", direct);
        count.Parameters.AddWithValue("id", token.Id);
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Revoke_UnknownToken_Is404AndChangesNothing()
    {
        using var admin = cluster.Admin(0);
        var (status, body) = await admin.RevokeAsync("zzzzzzzzzzzz");
        Assert.Equal(404, status);
        Assert.Equal("not_found", body!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rotate_OldSecretWorksUntilOverlapEndsThenOnlyNewOne()
    {
        using var admin = cluster.Admin(0);
        var token = await admin.CreateTokenAsync("rotated");
        await (await OpenWhenAcceptedAsync(2, token)).DisposeAsync();

        var (status, newToken) = await admin.RotateAsync(token.Id, TimeSpan.FromSeconds(2));
        Assert.Equal(200, status);

        // Both secrets work on every node during the overlap.
        await Eventually.TrueAsync(() => cluster.AcceptsAsync(2, token.User, newToken), "the new secret works on node 3");
        await (await cluster.OpenAsync(1, token.User, token.Token)).DisposeAsync();

        // After the overlap only the new one does.
        await Eventually.TrueAsync(async () => !await cluster.AcceptsAsync(1, token.User, token.Token), "the old secret stops after the overlap");
        Assert.True(await cluster.AcceptsAsync(1, token.User, newToken));
    }

    [Fact]
    public async Task Rotate_SessionsOnTheOldSecretEndWithTheOverlap_SessionsOnTheNewOneGoOn()
    {
        using var admin = cluster.Admin(0);
        var token = await admin.CreateTokenAsync("rotated-with-sessions");
        await using var onOld = await OpenWhenAcceptedAsync(1, token);

        var (status, newToken) = await admin.RotateAsync(token.Id, TimeSpan.FromSeconds(3));
        Assert.Equal(200, status);
        await Eventually.TrueAsync(() => cluster.AcceptsAsync(2, token.User, newToken), "the new secret works on node 3");
        await using var onNew = await cluster.OpenAsync(2, token.User, newToken);

        // Inside the overlap the old session works; when the overlap ends it is cut, mid-statement.
        Assert.Equal(1, await new NpgsqlCommand("SELECT 1", onOld).ExecuteScalarAsync());
        var error = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("SELECT pg_sleep(30)", onOld).ExecuteNonQueryAsync());
        Assert.Equal("57P01", error.SqlState);
        Assert.Contains("token was rotated", error.MessageText, StringComparison.Ordinal);
        Assert.Equal(2, await new NpgsqlCommand("SELECT 2", onNew).ExecuteScalarAsync());
    }

    [Fact]
    public async Task Rotate_WithoutOverlap_CutsSessionsOnTheOldSecretAtOnce()
    {
        using var admin = cluster.Admin(0);
        var token = await admin.CreateTokenAsync("rotated-without-overlap");
        await using var onOld = await OpenWhenAcceptedAsync(2, token);
        var sleep = new NpgsqlCommand("SELECT pg_sleep(30)", onOld).ExecuteNonQueryAsync();

        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(200, (await admin.RotateAsync(token.Id, TimeSpan.Zero)).Status);

        var error = await Assert.ThrowsAsync<PostgresException>(() => sleep.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal("57P01", error.SqlState);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"cut after {started.Elapsed}");
    }

    [Fact]
    public async Task Expiry_CutsLiveSessionAndShowsExpired()
    {
        using var admin = cluster.Admin(0);
        // Long enough to log in on a loaded 2-core machine, short enough to keep the test quick.
        var token = await admin.CreateTokenAsync("short-lived", expiresAt: DateTimeOffset.UtcNow.AddSeconds(5));
        await using var session = await OpenWhenAcceptedAsync(1, token);

        var sleep = new NpgsqlCommand("select pg_sleep(30)", session).ExecuteNonQueryAsync();
        var finished = await Task.WhenAny(sleep, Task.Delay(TimeSpan.FromSeconds(15)));
        Assert.Same(sleep, finished);
        var error = await Assert.ThrowsAsync<PostgresException>(() => sleep);
        Assert.Equal("57P01", error.SqlState);
        Assert.Contains("token expired", error.MessageText, StringComparison.Ordinal);

        var (_, view) = await cluster.Admin(2).GetAsync($"v1/tokens/{token.Id}");
        Assert.Equal("expired", view!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Admin_WithoutOrWithWrongToken_Is401()
    {
        using var anonymous = new AdminHttp(cluster.AdminUrlOf(0), adminToken: null);
        using var wrong = new AdminHttp(cluster.AdminUrlOf(0), adminToken: "not-the-admin-token-at-all");

        Assert.Equal(401, (await anonymous.GetAsync("v1/tokens")).Status);
        Assert.Equal(401, (await wrong.PostAsync("v1/tokens/abc/revoke", new JsonObject())).Status);
        Assert.Equal(200, (await anonymous.GetAsync("health")).Status);
    }

    private async Task<NpgsqlConnection> OpenWhenAcceptedAsync(int node, TestToken token)
    {
        await Eventually.TrueAsync(() => cluster.AcceptsAsync(node, token.User, token.Token), $"node {node + 1} accepts the new token");
        return await cluster.OpenAsync(node, token.User, token.Token);
    }

}
