using System.Text.Json;
using Npgsql;
using ProxyCluster.IntegrationTests.Fixtures;

namespace ProxyCluster.IntegrationTests.Cluster;

/// <summary>The script contract of proxyctl, against real nodes: create prints JSON with id and token; revoke exits 0 once committed.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ProxyctlAgainstNodesTests(ClusterFixture cluster)
{
    [Fact]
    public async Task CreateThroughOneNode_RevokeThroughAnother_ExitCodesAndEffectAsDocumented()
    {
        var created = await Proxyctl.RunAsync(cluster.AdminUrlOf(0), cluster.AdminTokenFile,
            "token", "create", "--principal", "proxyctl-e2e", "--route", ClusterFixture.AppDatabase, "--expires-in", "1h", "--json");
        Assert.True(created.ExitCode == 0, created.StandardError);
        using var json = JsonDocument.Parse(created.StandardOutput);
        var id = json.RootElement.GetProperty("id").GetString()!;
        var token = json.RootElement.GetProperty("token").GetString()!;

        await Eventually.TrueAsync(() => cluster.AcceptsAsync(1, $"pct_{id}", token), "node 2 accepts the token proxyctl created through node 1");

        var revoked = await Proxyctl.RunAsync(cluster.AdminUrlOf(2), cluster.AdminTokenFile, "token", "revoke", id, "--reason", "e2e");
        Assert.True(revoked.ExitCode == 0, revoked.StandardError);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => cluster.OpenAsync(2, $"pct_{id}", token));
        Assert.Equal("28P01", refused.SqlState);

        var missing = await Proxyctl.RunAsync(cluster.AdminUrlOf(1), cluster.AdminTokenFile, "token", "show", "zzzzzzzzzzzz");
        Assert.Equal(3, missing.ExitCode);

        var shown = await Proxyctl.RunAsync(cluster.AdminUrlOf(1), cluster.AdminTokenFile, "--json", "cluster", "show");
        Assert.True(shown.ExitCode == 0, shown.StandardError);
        using var members = JsonDocument.Parse(shown.StandardOutput);
        Assert.True(members.RootElement.GetProperty("members").GetArrayLength() >= ClusterFixture.NodeCount);
        Assert.DoesNotContain(token, revoked.StandardOutput + revoked.StandardError + shown.StandardOutput, StringComparison.Ordinal);
    }
}
