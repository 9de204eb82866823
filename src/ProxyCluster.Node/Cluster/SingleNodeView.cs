using ProxyCluster.Node.Admin;

namespace ProxyCluster.Node.Cluster;

/// <summary>A node without a control store is a cluster of one.</summary>
public sealed class SingleNodeView(Func<MemberView> self) : IClusterView
{
    public string ControlStoreState => "none";

    public long JournalPosition => 0;

    public long? JournalLag => null;

    public Task<IReadOnlyList<MemberView>> ListMembersAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<MemberView>>([self()]);
}
