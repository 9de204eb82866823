using ProxyCluster.Audit;

namespace ProxyCluster.Control.Audit;

/// <summary>
/// An audit record as the control store keeps it. <see cref="Id"/> is its place in the table: ids become visible in
/// increasing order (audit writers serialize on a lock), so "everything after id N" is a sound cursor to follow.
/// </summary>
public sealed record StoredAuditRecord(long Id, AuditRecord Record);
