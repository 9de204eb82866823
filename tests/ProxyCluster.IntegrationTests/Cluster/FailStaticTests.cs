using Npgsql;
using ProxyCluster.IntegrationTests.Fixtures;

namespace ProxyCluster.IntegrationTests.Cluster;

/// <summary>
/// The control store goes away: nodes keep serving the last state they applied (a revoked token stays refused),
/// say they are degraded, and operator commands fail with a clear error instead of pretending to succeed.
/// </summary>
[Collection(FailStaticClusterCollection.Name)]
public sealed class FailStaticTests(FailStaticClusterFixture cluster)
{
    [Fact]
    public async Task ControlStoreDown_NodesServeLastStateAndCommandsFailClearly()
    {
        using var admin = cluster.Admin(0);
        var kept = await admin.CreateTokenAsync("kept");
        var revoked = await admin.CreateTokenAsync("revoked-before-outage");
        Assert.Equal(200, (await admin.RevokeAsync(revoked.Id)).Status);
        await Eventually.TrueAsync(async () => await cluster.AcceptsAsync(1, kept), "node 2 has the kept token");
        await Eventually.TrueAsync(async () => !await cluster.AcceptsAsync(1, revoked), "node 2 has applied the revocation");

        await cluster.ControlServer.DisposeAsync();

        await Eventually.TrueAsync(async () =>
        {
            var (_, health) = await cluster.Admin(1).GetAsync("health");
            return health!["status"]!.GetValue<string>() == "degraded";
        }, "node 2 reports itself degraded");
        Assert.True(await cluster.AcceptsAsync(1, kept), "a token applied before the outage still works");
        Assert.False(await cluster.AcceptsAsync(1, revoked), "a token revoked before the outage stays refused");

        var (status, body) = await admin.RevokeAsync(kept.Id, "during the outage");
        Assert.Equal(503, status);
        Assert.Equal("unavailable", body!["code"]!.GetValue<string>());
        Assert.True(await cluster.AcceptsAsync(0, kept), "the failed revocation changed nothing");

        var cli = await Proxyctl.RunAsync(cluster.AdminUrlOf(2), cluster.AdminTokenFile, "token", "revoke", kept.Id, "--reason", "outage");
        Assert.Equal(5, cli.ExitCode);
        Assert.Contains("unreachable", cli.StandardError, StringComparison.Ordinal);
    }

}
