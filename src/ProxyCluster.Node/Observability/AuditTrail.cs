using Microsoft.Extensions.Logging;
using ProxyCluster.Audit;
using ProxyCluster.Audit.Pipeline;
using ProxyCluster.Audit.Sinks;
using ProxyCluster.Node.Configuration;

namespace ProxyCluster.Node.Observability;

/// <summary>Builds the node's audit pipeline from its configuration: the JSON-lines file and, when asked, the control store.</summary>
public static class AuditTrail
{
    /// <summary>The pipeline, or null when no sink is configured (then nothing is recorded).</summary>
    public static AuditPipeline? Create(ProxyOptions options, IAuditSink? controlStoreSink, ILoggerFactory logging)
    {
        var audit = options.Audit;
        var sinks = new List<IAuditSink>();
        if (audit.File is "-")
        {
            sinks.Add(JsonLinesAuditSink.ToStandardOutput());
        }
        else if (audit.File is { Length: > 0 } file)
        {
            sinks.Add(JsonLinesAuditSink.ToFile(file));
        }

        if (controlStoreSink is not null && audit.ControlStore)
        {
            sinks.Add(controlStoreSink);
        }

        if (sinks.Count == 0)
        {
            return null;
        }

        var spill = audit.SpillDirectory
            ?? (audit.File is { Length: > 0 } path && path != "-"
                ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "audit-spill-" + options.NodeId)
                : Path.Combine(Path.GetTempPath(), "proxycluster-audit-spill-" + options.NodeId));
        Directory.CreateDirectory(spill);
        return new AuditPipeline(
            sinks,
            new AuditPipelineOptions { SpillDirectory = spill, Capacity = audit.QueueCapacity },
            logging.CreateLogger<AuditPipeline>());
    }
}
