using System.Text.Json.Nodes;
using Npgsql;
using ProxyCluster.IntegrationTests.Fixtures;

namespace ProxyCluster.IntegrationTests.Cluster;

/// <summary>Membership, the cluster-wide session list and killing a session that lives on another node.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterAdminTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Cluster_ListsEveryNodeUpWithItsAdminUrl()
    {
        using var admin = cluster.Admin(1);
        await Eventually.TrueAsync(async () =>
        {
            var (status, body) = await admin.GetAsync("v1/cluster");
            return status == 200 && body!["members"]!.AsArray().Count(m => m!["state"]!.GetValue<string>() == "up") >= ClusterFixture.NodeCount;
        }, "every node is up in the cluster view");

        var (_, view) = await admin.GetAsync("v1/cluster");
        Assert.Equal("node-2", view!["self"]!.GetValue<string>());
        Assert.Equal("connected", view["control_store"]!.GetValue<string>());
        for (var i = 0; i < ClusterFixture.NodeCount; i++)
        {
            var member = view["members"]!.AsArray().Single(m => m!["node_id"]!.GetValue<string>() == $"node-{i + 1}")!;
            Assert.Equal(i + 1, member["ordinal"]!.GetValue<int>());
            Assert.Equal(cluster.AdminUrlOf(i), member["admin_url"]!.GetValue<string>());
            Assert.Contains($"127.0.0.1:{cluster.PortOf(i)}", member["postgres_addresses"]!.AsArray().Select(a => a!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task Metrics_ReportJournalLagAndControlStoreConnectivity()
    {
        using var admin = cluster.Admin(0);
        await admin.CreateTokenAsync("lag-check"); // the journal is not empty, so the head is known
        await Eventually.TrueAsync(async () =>
        {
            var metrics = await MetricsScrape.TextAsync(cluster.AdminUrlOf(1));
            return metrics.Contains("\nproxycluster_journal_lag_events 0\n", StringComparison.Ordinal)
                && metrics.Contains("\nproxycluster_control_store_connected 1\n", StringComparison.Ordinal);
        }, "node 2 reports no lag and a connected control store");
    }

    [Fact]
    public async Task Sessions_ListedFromAnyNode_AndKilledOnTheNodeThatOwnsThem()
    {
        using var admin = cluster.Admin(0);
        var token = await admin.CreateTokenAsync("listed");
        await Eventually.TrueAsync(() => cluster.AcceptsAsync(2, token), "node 3 accepts the token");
        await using var onC = await cluster.OpenAsync(2, token.User, token.Token);

        // Listed through node A although it lives on node C.
        JsonNode? listed = null;
        await Eventually.TrueAsync(async () =>
        {
            var (status, body) = await admin.GetAsync("v1/sessions");
            listed = body?["sessions"]?.AsArray().FirstOrDefault(s => s!["token_id"]!.GetValue<string>() == token.Id);
            return status == 200 && listed is not null;
        }, "the session on node 3 is listed through node 1");
        Assert.Equal("node-3", listed!["node_id"]!.GetValue<string>());
        Assert.StartsWith("3-", listed["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("listed", listed["principal"]!.GetValue<string>());

        // Killed through node A; node C ends it with the server's own words for an operator's kill.
        var sleep = new NpgsqlCommand("select pg_sleep(30)", onC).ExecuteNonQueryAsync();
        var (killStatus, _) = await admin.PostAsync($"v1/sessions/{listed["id"]!.GetValue<string>()}/kill", new JsonObject { ["reason"] = "test" });
        Assert.Equal(200, killStatus);
        var error = await Assert.ThrowsAsync<PostgresException>(() => sleep);
        Assert.Equal("57P01", error.SqlState);
        Assert.Equal("terminating connection due to administrator command", error.MessageText);

        // The client has its error; the node unregisters the session right after, then it is gone for good.
        await Eventually.True(() => cluster.Nodes[2].Sessions.SessionsOf(token.Id).Count == 0, "the killed session is unregistered");
        var (missingStatus, _) = await admin.PostAsync($"v1/sessions/{listed["id"]!.GetValue<string>()}/kill", new JsonObject());
        Assert.Equal(404, missingStatus);
    }

    [Fact]
    public async Task CreateToken_WithUnknownPolicyOrRoute_Is400AndNothingIsWritten()
    {
        using var admin = cluster.Admin(0);
        var before = (await admin.GetAsync("v1/tokens")).Body!["tokens"]!.AsArray().Count;

        var unknownPolicy = await admin.PostAsync("v1/tokens", TokenBody("no-such-policy", ClusterFixture.AppDatabase));
        var unknownRoute = await admin.PostAsync("v1/tokens", TokenBody("unrestricted", "no_such_route"));

        Assert.Equal(400, unknownPolicy.Status);
        Assert.Contains("unknown policy", unknownPolicy.Body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(400, unknownRoute.Status);
        Assert.Equal(before, (await admin.GetAsync("v1/tokens")).Body!["tokens"]!.AsArray().Count);
    }

    [Fact]
    public async Task CreateToken_WithCarriedPolicyDocument_EnforcesItOnEveryNode()
    {
        using var admin = cluster.Admin(0);
        var token = ProxyCluster.Tokens.ApiToken.Mint(out var id);
        var verifier = ProxyCluster.Tokens.TokenSecretVerifier.Create(token);
        var body = TokenBody(null, ClusterFixture.AppDatabase, id, verifier);
        body["policy_document"] = "name: count-only\nallow:\n  - name: other-table\n    statements: [select]\n    tables: [not_users]\n";
        var (status, view) = await admin.PostAsync("v1/tokens", body);
        Assert.True(status == 201, $"{status}: {view?.ToJsonString()}");
        Assert.Equal("count-only", view!["policy"]!.GetValue<string>());
        Assert.True(view["policy_carried"]!.GetValue<bool>());

        var user = $"pct_{id}";
        await Eventually.TrueAsync(() => cluster.AcceptsAsync(1, user, token), "node 2 accepts the token");
        await using var connection = await cluster.OpenAsync(1, user, token);
        var denied = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("select * from users", connection).ExecuteScalarAsync());
        Assert.Equal("42501", denied.SqlState);
        Assert.Contains("count-only", denied.MessageText, StringComparison.Ordinal);
    }

    private static JsonObject TokenBody(string? policy, string route, string? id = null, ProxyCluster.Tokens.TokenSecretVerifier? verifier = null)
    {
        if (id is null || verifier is null)
        {
            verifier = ProxyCluster.Tokens.TokenSecretVerifier.Create(ProxyCluster.Tokens.ApiToken.Mint(out id));
        }

        var body = new JsonObject
        {
            ["id"] = id,
            ["principal"] = "validation",
            ["routes"] = new JsonArray(route),
            ["secret"] = new JsonObject { ["scram"] = verifier.Scram.ToPostgresString(), ["sha256"] = Convert.ToBase64String(verifier.Sha256) },
        };
        if (policy is not null)
        {
            body["policy"] = policy;
        }

        return body;
    }


}
