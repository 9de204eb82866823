namespace ProxyCluster.Audit;

/// <summary>
/// Where producers (sessions) hand their records: never blocks and never throws, so the relay path cannot be
/// held up by the audit trail. False means the record was refused (and counted), see <see cref="Pipeline.AuditPipeline"/>.
/// </summary>
public interface IAuditWriter
{
    bool TryWrite(AuditRecord record);
}
