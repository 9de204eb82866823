namespace ProxyCluster.IntegrationTests.Fixtures;

/// <summary>A cluster whose control store is a server of its own, so a test can stop it and keep the upstream.</summary>
public sealed class FailStaticClusterFixture() : ClusterFixture(separateControlServer: true);

[CollectionDefinition(Name)]
public sealed class FailStaticClusterCollection : ICollectionFixture<FailStaticClusterFixture>
{
    public const string Name = "fail-static-cluster";
}
