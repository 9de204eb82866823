using ProxyCluster.Control.Membership;
using ProxyCluster.Node.Admin;

namespace ProxyCluster.Node.Cluster;

/// <summary>The cluster as the control store's nodes table shows it, and this node's link to the store.</summary>
public sealed class ControlStoreClusterView(ControlPlane control, TimeSpan heartbeatInterval) : IClusterView
{
    private readonly MembershipQueries _queries = new(control.Store);

    public string ControlStoreState => control.Replication.IsConnected ? "connected" : "unreachable";

    public long JournalPosition => control.Replica.Position;

    public long? JournalLag => control.Membership is { JournalHead: > 0 } membership
        ? Math.Max(0, membership.JournalHead - control.Replica.Position)
        : null;

    public async Task<IReadOnlyList<MemberView>> ListMembersAsync(CancellationToken cancellationToken)
    {
        var members = await _queries.ListMembersAsync(heartbeatInterval, cancellationToken).ConfigureAwait(false);
        var views = new List<MemberView>(members.Count);
        foreach (var m in members)
        {
            views.Add(new MemberView(m.NodeId, m.Ordinal, m.PostgresAddresses, m.AdminUrl, m.Version, m.StartedAt, m.LastHeartbeat, m.JournalPosition, m.State.ToName()));
        }

        return views;
    }
}
