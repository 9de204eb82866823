using ProxyCluster.Audit.Pipeline;

namespace ProxyCluster.Node.Observability;

/// <summary>The node's audit pipeline, if it has one; disposed with the node, which drains what is queued (or spills it).</summary>
public sealed class NodeAudit(AuditPipeline? pipeline) : IAsyncDisposable
{
    public AuditPipeline? Pipeline { get; } = pipeline;

    public ValueTask DisposeAsync() => Pipeline?.DisposeAsync() ?? ValueTask.CompletedTask;
}
