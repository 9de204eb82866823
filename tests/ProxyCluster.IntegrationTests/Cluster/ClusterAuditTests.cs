using System.Text.Json.Nodes;
using Npgsql;
using ProxyCluster.IntegrationTests.Fixtures;

namespace ProxyCluster.IntegrationTests.Cluster;

/// <summary>
/// The audit trail in the control store: records are searchable through any node, and when the store is down
/// they wait on disk and arrive once it is back — none is lost.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterAuditTests(ClusterFixture cluster)
{
    [Fact]
    public async Task ControlStoreDownMidRun_RecordsSpillAndArriveWhenItReturns()
    {
        using var admin = cluster.Admin(0);
        var token = await admin.CreateTokenAsync("audited-through-outage");
        await Eventually.TrueAsync(() => cluster.AcceptsAsync(0, token), "node 1 accepts the token");
        await using var connection = await cluster.OpenAsync(0, token.User, token.Token);
        await new NpgsqlCommand("SELECT 1", connection).ExecuteScalarAsync();
        await Eventually.TrueAsync(async () => await StatementsOf(token.Id, cluster.Admin(2)) >= 1, "the first record is searchable through node 3");

        await using var superuser = new NpgsqlConnection(cluster.ControlServer.ConnectionString());
        await superuser.OpenAsync();
        try
        {
            await Execute(superuser, $"ALTER ROLE {ClusterFixture.ControlRole} NOLOGIN");
            await Execute(superuser, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{ClusterFixture.ControlRole}'");

            await new NpgsqlCommand("SELECT 2", connection).ExecuteScalarAsync();
            await Eventually.TrueAsync(async () => await SpilledOn(0) > 0, "node 1 spills the record it cannot deliver");
        }
        finally
        {
            await Execute(superuser, $"ALTER ROLE {ClusterFixture.ControlRole} LOGIN");
        }

        await Eventually.TrueAsync(async () => await StatementsOf(token.Id, admin) >= 2, "the spilled record arrives", TimeSpan.FromSeconds(30));

        // The same trail through the operator's tool: one JSON line per record.
        var searched = await Proxyctl.RunAsync(cluster.AdminUrlOf(1), cluster.AdminTokenFile, "--json", "audit", "search", "--token", token.Id, "--type", "statement");
        Assert.True(searched.ExitCode == 0, searched.StandardError);
        Assert.True(searched.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains("\"SELECT $1\"", StringComparison.Ordinal)) >= 2, searched.StandardOutput);
        for (var node = 0; node < ClusterFixture.NodeCount; node++)
        {
            using var each = cluster.Admin(node);
            await Eventually.TrueAsync(async () => (await each.GetAsync("health")).Body!["control_store"]!.GetValue<string>() == "connected",
                $"node {node + 1} follows the journal again", TimeSpan.FromSeconds(30));
        }
    }

    private static async Task<int> StatementsOf(string tokenId, AdminHttp admin)
    {
        var (status, body) = await admin.GetAsync($"v1/audit?token={tokenId}&type=statement");
        return status == 200 ? body!["records"]!.AsArray().Count(r => r!["normalized_query"]?.GetValue<string>() == "SELECT $1") : -1;
    }

    private Task<double> SpilledOn(int node) => MetricsScrape.ValueAsync(cluster.AdminUrlOf(node), "proxycluster_audit_spilled_total");

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

}
