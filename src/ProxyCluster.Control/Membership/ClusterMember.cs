namespace ProxyCluster.Control.Membership;

/// <summary>One row of the nodes table, with its <see cref="State"/> computed against the store's clock.</summary>
public sealed record ClusterMember(
    string NodeId,
    int Ordinal,
    IReadOnlyList<string> PostgresAddresses,
    string? AdminUrl,
    string Version,
    DateTimeOffset StartedAt,
    DateTimeOffset LastHeartbeat,
    long JournalPosition,
    MemberState State);
