namespace ProxyCluster.Control.Migrations;

/// <summary>What a migration run found and did: the recorded version before and after, and the versions it applied.</summary>
public sealed record MigrationReport(int FromVersion, int ToVersion, IReadOnlyList<int> Applied);
