using ProxyCluster.Control.Membership;

namespace ProxyCluster.Node.Cluster;

/// <summary>This node's registration (bound ports included) for services created before the listeners bind.</summary>
public sealed class ProxyNodeIdentity
{
    private Func<NodeRegistration>? _source;

    public NodeRegistration Registration() =>
        _source?.Invoke() ?? throw new InvalidOperationException("the node is not created yet");

    internal void Bind(Func<NodeRegistration> source) => _source = source;
}
