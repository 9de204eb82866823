using ProxyCluster.Audit.Pipeline;
using ProxyCluster.Node.Cluster;
using ProxyCluster.Node.Listeners;
using ProxyCluster.Sessions.Metrics;
using ProxyCluster.Tokens;

namespace ProxyCluster.Node.Observability;

/// <summary>The node-level metrics read from the components that own the values, at scrape time.</summary>
public static class NodeMetrics
{
    public static void Register(MetricsRegistry registry, ConnectionLimit connections, TokenRegistry tokens, IClusterView cluster, AuditPipeline? audit)
    {
        registry.AddCallbackGauge("proxycluster_client_connections", "Client connections open now, authenticated or not.", () => connections.Current);
        registry.AddCallbackGauge("proxycluster_tokens_active", "Tokens this node accepts now.", () => tokens.Count);
        registry.AddCallbackGauge("proxycluster_journal_position", "The last token-journal position this node applied.", () => cluster.JournalPosition);
        registry.AddCallbackGauge(
            "proxycluster_journal_lag_events",
            "Journal events committed but not yet applied by this node, as of its last heartbeat.",
            () => cluster.JournalLag is { } lag ? lag : double.NaN);
        registry.AddCallbackGauge(
            "proxycluster_control_store_connected",
            "1 while the node follows the control store, 0 while it serves its last state (fail-static); absent without one.",
            () => cluster.ControlStoreState switch { "connected" => 1, "unreachable" => 0, _ => double.NaN });
        if (audit is null)
        {
            return;
        }

        registry.AddCallbackGauge("proxycluster_audit_queue_depth", "Audit records waiting to be written.", () => audit.QueueDepth);
        registry.AddCallbackCounter("proxycluster_audit_dropped_total", "Audit records refused because the queue was full.", () => audit.Dropped);
        registry.AddCallbackCounter("proxycluster_audit_spilled_total", "Audit records spilled to disk because a sink failed.", () => audit.Spilled);
        registry.AddCallbackCounter("proxycluster_audit_redelivered_total", "Spilled audit records delivered later.", () => audit.Redelivered);
        registry.AddCallbackCounter("proxycluster_audit_lost_total", "Audit records lost after they were queued (a spill that could not be written or read).", () => audit.Lost);
        var written = registry.CreateCallbackCounterFamily("proxycluster_audit_written_total", "Audit records written, by sink.", "sink");
        foreach (var sink in audit.Sinks)
        {
            written.Add(() => sink.Written, sink.Name);
        }
    }
}
