namespace ProxyCluster.Control.Audit;

/// <summary>Which kind of audit record: a session's life event or a statement. Names <c>session</c>, <c>statement</c>.</summary>
public enum AuditRecordType
{
    Session,
    Statement,
}
