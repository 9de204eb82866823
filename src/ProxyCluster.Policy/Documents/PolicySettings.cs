namespace ProxyCluster.Policy;

/// <summary>The <c>settings</c> section of a policy document.</summary>
public sealed record PolicySettings
{
    public static PolicySettings Default { get; } = new();

    /// <summary>
    /// The schemas the route pins <c>search_path</c> to (default <c>public</c>); unqualified names in queries and
    /// in the rules resolve against them.
    /// </summary>
    public IReadOnlyList<string> SearchPath { get; init; } = ["public"];

    /// <summary>Settings beyond <see cref="SafeSettings.Harmless"/> that <c>SET</c>/<c>RESET</c> may change.</summary>
    public IReadOnlyList<string> AllowSet { get; init; } = [];

    /// <summary>Temporary tables (which shadow tables of the same name) may be created and used.</summary>
    public bool AllowTempTables { get; init; }

    /// <summary>Reading <c>pg_catalog</c> and <c>information_schema</c> is allowed (drivers and tools need it). Default true.</summary>
    public bool AllowCatalogReads { get; init; } = true;

    /// <summary>
    /// At most this many sessions of one token on one node at a time; null for no limit. Per node, so a cluster of N
    /// nodes behind a balancer allows up to N times as many.
    /// </summary>
    public int? MaxConnectionsPerNode { get; init; }
}
