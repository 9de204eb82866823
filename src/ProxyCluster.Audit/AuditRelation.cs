namespace ProxyCluster.Audit;

/// <summary>
/// A relation a statement touches and the access it needs, as the analysis named them (e.g. <c>public.orders</c>,
/// <c>read</c> or <c>insert|update</c>). The audit library does not interpret either string.
/// </summary>
public readonly record struct AuditRelation(string Name, string Access);
