using ProxyCluster.Protocol.Frontend;
using ProxyCluster.Sessions.Cancel;
using ProxyCluster.Sessions.Routing;

namespace ProxyCluster.Sessions.Tests.Cancel;

public class CancelKeyRegistryTests
{
    private static readonly RouteConfig Route = new("app", "db.internal", 5432, "app", "proxy_role", new FileOrEnvironmentPassword(null, null));

    private static CancelTarget Target(int upstreamPid = 4242) => new(Route, new CancelRequest(upstreamPid, 0x5EC2_E7));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(CancelKeyRegistry.MaxNodeOrdinal)]
    public void Mint_ProcessId_CarriesTheNodeOrdinalInBits24To30(int ordinal)
    {
        var registry = new CancelKeyRegistry(ordinal);

        for (var i = 0; i < 100; i++)
        {
            var key = registry.Mint(Target());

            Assert.Equal(ordinal, CancelKeyRegistry.OwnerOf(key));
            Assert.Equal(ordinal, (key.ProcessId >> 24) & 0x7F);
            Assert.True(key.ProcessId > 0, $"process id {key.ProcessId} must be positive, as a server's pid is");
        }
    }

    [Fact]
    public void Mint_TenThousandKeys_ProcessIdsUnique()
    {
        var registry = new CancelKeyRegistry(7);
        var pids = new HashSet<int>();

        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(pids.Add(registry.Mint(Target(i)).ProcessId));
        }

        Assert.Equal(10_000, registry.Count);
    }

    [Fact]
    public void Resolve_RightSecret_ReturnsTheTarget()
    {
        var registry = new CancelKeyRegistry(3);
        var target = Target();
        registry.Mint(Target(1));
        var key = registry.Mint(target);
        registry.Mint(Target(2));

        Assert.Same(target, registry.Resolve(key));
    }

    [Fact]
    public void Resolve_WrongSecret_Null()
    {
        var registry = new CancelKeyRegistry(3);
        var key = registry.Mint(Target());

        Assert.Null(registry.Resolve(key with { SecretKey = key.SecretKey ^ 1 }));
        Assert.Null(registry.Resolve(key with { SecretKey = ~key.SecretKey }));
    }

    [Fact]
    public void Resolve_UnknownProcessId_Null()
    {
        var registry = new CancelKeyRegistry(3);
        var key = registry.Mint(Target());

        Assert.Null(registry.Resolve(key with { ProcessId = key.ProcessId + 1 }));
        Assert.Null(registry.Resolve(default));
    }

    [Fact]
    public void Resolve_ReleasedKey_Null()
    {
        var registry = new CancelKeyRegistry(3);
        var key = registry.Mint(Target());
        var other = registry.Mint(Target());

        registry.Release(key);

        Assert.Null(registry.Resolve(key));
        Assert.NotNull(registry.Resolve(other));
        Assert.Equal(1, registry.Count);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(128)]
    [InlineData(int.MinValue)]
    [InlineData(256)]
    public void Constructor_OrdinalOutside0To127_Throws(int ordinal)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CancelKeyRegistry(ordinal));
    }
}
