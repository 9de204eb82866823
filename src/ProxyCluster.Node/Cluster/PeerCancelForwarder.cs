using ProxyCluster.Control;
using ProxyCluster.Node.Admin;
using ProxyCluster.Protocol.Frontend;
using ProxyCluster.Sessions.Cancel;

namespace ProxyCluster.Node.Cluster;

/// <summary>
/// Cross-node cancel: a CancelRequest for another node's session goes to that node's admin API
/// (<c>POST /v1/cancel</c>), found by the ordinal the key carries among the members the control store lists.
/// The key travels between nodes like any admin call (the admin token, the admin listener's transport).
/// </summary>
public sealed class PeerCancelForwarder(IClusterView cluster, PeerAdminClient peers) : IPeerCancel
{
    public async Task<string> ForwardAsync(int ownerOrdinal, CancelRequest key, CancellationToken cancellationToken)
    {
        MemberView? owner;
        try
        {
            owner = await cluster.FindRunningAsync(ownerOrdinal, cancellationToken).ConfigureAwait(false);
        }
        catch (ControlStoreUnavailableException)
        {
            return $"minted by node ordinal {ownerOrdinal}, which cannot be looked up while the control store is unreachable";
        }

        if (owner?.AdminUrl is not { } adminUrl)
        {
            return $"minted by node ordinal {ownerOrdinal}, and no running node has that ordinal";
        }

        try
        {
            var (json, status) = await peers.PostAsync(adminUrl, "v1/cancel", new CancelKeyRequest(key.ProcessId, key.SecretKey), AdminJson.Context.CancelKeyRequest, cancellationToken)
                .ConfigureAwait(false);
            return status == 200 ? $"handed to node {owner.NodeId}" : $"node {owner.NodeId} answered {status}: {json}";
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return $"node {owner.NodeId}, which minted the key, cannot be reached: {exception.GetType().Name}";
        }
    }
}
