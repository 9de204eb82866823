using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Tokens.Tests.Journal;

public sealed class TokenReplicaTests
{
    private readonly JournalEvents _events = new();
    private readonly TokenRegistry _registry = new();
    private readonly List<TokenState> _ended = [];
    private readonly TokenReplica _replica;

    public TokenReplicaTests()
    {
        _replica = new TokenReplica(_registry);
        _replica.TokenEnded += _ended.Add;
    }

    [Fact]
    public void Apply_IssuedThenRevoked_RegistryFollowsAndTokenEndedIsRaisedOnce()
    {
        var issued = _events.Issued(out var id);
        var revoked = _events.Revoked(id, 2);

        Assert.True(_replica.Apply(issued));
        Assert.True(_registry.TryGet(id, out _));
        Assert.True(_replica.Apply(revoked));

        Assert.False(_registry.TryGet(id, out _));
        Assert.Equal(TokenStatus.Revoked, Assert.Single(_ended).Status);
        Assert.Equal(revoked.Ordering, _replica.Position);
        Assert.Equal(TokenStatus.Revoked, _replica.States[id].Status);
    }

    [Fact]
    public void Apply_EventAtOrBeforeThePosition_IsSkippedAndChangesNothing()
    {
        var issued = _events.Issued(out var id);
        var revoked = _events.Revoked(id, 2);
        _replica.Apply(issued);
        _replica.Apply(revoked);
        var states = _replica.States;

        Assert.False(_replica.Apply(revoked));
        Assert.False(_replica.Apply(issued));

        Assert.Single(_ended);
        Assert.Same(states, _replica.States);
        Assert.Equal(revoked.Ordering, _replica.Position);
    }

    [Fact]
    public void Apply_MissedEvent_ThrowsAndLeavesTheReplicaAsItWas()
    {
        var issued = _events.Issued(out var id);
        _events.Rotated(id, 2, JournalEvents.At(100)); // committed, but this replica never sees it
        var revoked = _events.Revoked(id, 3);
        _replica.Apply(issued);

        Assert.Throws<TokenJournalException>(() => _replica.Apply(revoked));

        Assert.Equal(issued.Ordering, _replica.Position);
        Assert.True(_registry.TryGet(id, out _));
        Assert.Empty(_ended);
    }

    [Fact]
    public void Reset_ReplacesEverythingAndReportsTokensThatStoppedBeingActive()
    {
        var stale = _events.Issued(out var staleId);
        var issuedA = _events.Issued(out var a);
        var issuedB = _events.Issued(out var b);
        var revokedA = _events.Revoked(a, 2);
        _replica.Apply(stale);
        _replica.Apply(issuedA);

        _replica.Reset([issuedA, issuedB, revokedA]);

        Assert.Equal([b], _registry.Snapshot.Keys);
        Assert.False(_replica.States.ContainsKey(staleId));
        Assert.Equal(revokedA.Ordering, _replica.Position);
        Assert.Equal(new[] { a, staleId }.Order(StringComparer.Ordinal), _ended.Select(s => s.Id).Order(StringComparer.Ordinal));
        Assert.Equal(TokenStatus.Revoked, _ended.Single(s => s.Id == a).Status);
    }

    [Fact]
    public void Reset_OutOfOrderEvents_ThrowsAndChangesNothing()
    {
        var issuedA = _events.Issued(out var a);
        var issuedB = _events.Issued(out _);
        _replica.Apply(issuedA);

        Assert.Throws<TokenJournalException>(() => _replica.Reset([issuedB, issuedA]));

        Assert.Equal([a], _registry.Snapshot.Keys);
        Assert.Equal(issuedA.Ordering, _replica.Position);
    }

    [Fact]
    public void Apply_ExpiredEvent_RemovesTheTokenAndReportsIt()
    {
        var issued = _events.Issued(out var id, expiresAt: JournalEvents.At(1));
        _replica.Apply(issued);

        _replica.Apply(_events.Expired(id, 2));

        Assert.Equal(0, _registry.Count);
        Assert.Equal(TokenStatus.Expired, Assert.Single(_ended).Status);
    }
}
