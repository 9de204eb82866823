namespace ProxyCluster.Control.Membership;

/// <summary>What a node tells the cluster about itself when it joins: identity and where to reach it.</summary>
public sealed record NodeRegistration(
    string NodeId,
    int Ordinal,
    IReadOnlyList<string> PostgresAddresses,
    string? AdminUrl,
    string Version);
