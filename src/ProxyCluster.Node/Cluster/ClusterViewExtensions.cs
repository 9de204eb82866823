using ProxyCluster.Node.Admin;

namespace ProxyCluster.Node.Cluster;

public static class ClusterViewExtensions
{
    /// <summary>
    /// The member with this ordinal that has not stopped (the last registered, should a restarted node appear
    /// twice); null when none. Throws <see cref="Control.ControlStoreUnavailableException"/> like
    /// <see cref="IClusterView.ListMembersAsync"/>.
    /// </summary>
    public static async Task<MemberView?> FindRunningAsync(this IClusterView cluster, int ordinal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        MemberView? found = null;
        foreach (var member in await cluster.ListMembersAsync(cancellationToken).ConfigureAwait(false))
        {
            found = member.Ordinal == ordinal && member.State != "stopped" ? member : found;
        }

        return found;
    }
}
