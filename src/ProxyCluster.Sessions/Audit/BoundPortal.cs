using ProxyCluster.Audit;
using ProxyCluster.Sessions.Policy;

namespace ProxyCluster.Sessions.Audit;

/// <summary>What a portal runs: its statement's audit facts and, where recorded, the values it was bound with.</summary>
public readonly record struct BoundPortal(StatementAuditFacts? Facts, IReadOnlyList<AuditParameter>? Parameters);
