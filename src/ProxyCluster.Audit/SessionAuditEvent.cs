namespace ProxyCluster.Audit;

/// <summary>What happened to a session; the JSON names are the lower-case member names.</summary>
public enum SessionAuditEvent
{
    Connected,
    Authenticated,
    Refused,
    Terminated,
}
