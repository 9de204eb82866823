namespace ProxyCluster.Tokens.Tests;

public sealed class TokenRegistryTests
{
    [Fact]
    public void Empty_FindsNothing()
    {
        var registry = new TokenRegistry();

        Assert.Equal(0, registry.Count);
        Assert.False(registry.TryGet("abc123def456", out var token));
        Assert.Null(token);
    }

    [Fact]
    public void ReplaceAll_MakesExactlyThoseTokensVisible()
    {
        var registry = new TokenRegistry([NewToken("old")]);
        var alice = NewToken("alice");
        var bob = NewToken("bob");
        var old = Assert.Single(registry.Snapshot.Values);

        registry.ReplaceAll([alice, bob]);

        Assert.Equal(2, registry.Count);
        Assert.True(registry.TryGet(alice.Id, out var found));
        Assert.Same(alice, found);
        Assert.True(registry.TryGet(bob.Id, out found));
        Assert.Same(bob, found);
        Assert.False(registry.TryGet(old.Id, out _));
    }

    [Fact]
    public void ReplaceAll_DuplicateIds_ThrowsAndKeepsTheCurrentSet()
    {
        var alice = NewToken("alice");
        var registry = new TokenRegistry([alice]);
        var bob = NewToken("bob");

        Assert.Throws<ArgumentException>(() => registry.ReplaceAll([bob, bob with { Principal = "mallory" }]));

        Assert.Equal(1, registry.Count);
        Assert.True(registry.TryGet(alice.Id, out _));
        Assert.False(registry.TryGet(bob.Id, out _));
    }

    [Fact]
    public void Upsert_AddsThenReplaces()
    {
        var registry = new TokenRegistry();
        var token = NewToken("alice");

        registry.Upsert(token);
        registry.Upsert(token with { Routes = ["sales"] });

        Assert.Equal(1, registry.Count);
        Assert.True(registry.TryGet(token.Id, out var found));
        Assert.Equal(["sales"], found.Routes);
    }

    [Fact]
    public void Remove_ReportsWhetherItRemovedSomething()
    {
        var token = NewToken("alice");
        var registry = new TokenRegistry([token, NewToken("bob")]);

        Assert.True(registry.Remove(token.Id));
        Assert.False(registry.Remove(token.Id));
        Assert.False(registry.TryGet(token.Id, out _));
        Assert.Equal(1, registry.Count);
    }

    [Fact]
    public void TryGet_IsExactMatch()
    {
        var token = NewToken("alice");
        var registry = new TokenRegistry([token]);

        Assert.False(registry.TryGet(token.Id.ToUpperInvariant(), out _));
        Assert.False(registry.TryGet(ApiToken.UserNameFor(token.Id), out _));
        Assert.True(registry.TryGet(ApiToken.NormalizeUserToId(ApiToken.UserNameFor(token.Id)), out _));
    }

    [Fact]
    public void Snapshot_DoesNotChangeAfterLaterWrites()
    {
        var alice = NewToken("alice");
        var registry = new TokenRegistry([alice]);
        var before = registry.Snapshot;

        registry.Upsert(NewToken("bob"));
        registry.Remove(alice.Id);

        Assert.Equal([alice.Id], before.Keys);
        Assert.Equal(1, registry.Count);
    }

    [Fact]
    public async Task ConcurrentUpserts_AllLand_WhileReadersRead()
    {
        var tokens = Enumerable.Range(0, 8).Select(i => NewToken($"p{i}")).ToArray();
        var registry = new TokenRegistry();
        var writers = tokens.Select(token => Task.Run(() =>
        {
            for (var i = 0; i < 50; i++)
            {
                registry.Upsert(token with { Policy = $"v{i}" });
            }
        }));
        var reader = Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                foreach (var token in tokens)
                {
                    if (registry.TryGet(token.Id, out var found))
                    {
                        Assert.Equal(token.Principal, found.Principal);
                    }
                }
            }
        });

        await Task.WhenAll([.. writers, reader]);

        Assert.Equal(tokens.Length, registry.Count);
        Assert.All(tokens, token => Assert.Equal("v49", registry.Snapshot[token.Id].Policy));
    }

    private static TokenRecord NewToken(string principal) =>
        TokenRecord.Create(ApiToken.Mint(out _), principal, TokenRecord.DefaultPolicy, [], null);
}
