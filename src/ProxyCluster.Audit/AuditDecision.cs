namespace ProxyCluster.Audit;

/// <summary>The policy's answer for a statement; JSON names <c>allow</c> and <c>deny</c>.</summary>
public enum AuditDecision
{
    Allow,
    Deny,
}
