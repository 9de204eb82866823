using ProxyCluster.Node.Admin;

namespace ProxyCluster.Node.Cluster;

/// <summary>What this node knows of its cluster: the members, and whether the control store answers.</summary>
public interface IClusterView
{
    /// <summary>connected, unreachable, or none (a single node without a control store).</summary>
    string ControlStoreState { get; }

    long JournalPosition { get; }

    /// <summary>Journal events committed but not yet applied here, as of the last heartbeat; null when unknown.</summary>
    long? JournalLag { get; }

    /// <summary>Every member the control store knows; throws <see cref="Control.ControlStoreUnavailableException"/> when it cannot be asked.</summary>
    Task<IReadOnlyList<MemberView>> ListMembersAsync(CancellationToken cancellationToken);
}
