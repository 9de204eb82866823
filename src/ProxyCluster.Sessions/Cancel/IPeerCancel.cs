using ProxyCluster.Protocol.Frontend;

namespace ProxyCluster.Sessions.Cancel;

/// <summary>
/// Hands a CancelRequest to the node that minted its key. Behind a plain TCP load balancer a client's cancel
/// connection lands on any node, most often not the one holding its session.
/// </summary>
public interface IPeerCancel
{
    /// <summary>Delivers <paramref name="key"/> to node <paramref name="ownerOrdinal"/>; returns what happened, for the log.</summary>
    Task<string> ForwardAsync(int ownerOrdinal, CancelRequest key, CancellationToken cancellationToken);
}
