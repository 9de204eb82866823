namespace ProxyCluster.Node.Cluster;

/// <summary>Set once the node's token state is loaded (journal or token file), so <c>/ready</c> can tell a load balancer.</summary>
public sealed class NodeReadiness
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    public void MarkReady() => _ready = true;
}
