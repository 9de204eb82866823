using ProxyCluster.Protocol.Errors;
using ProxyCluster.Sessions.Lifecycle;

namespace ProxyCluster.Sessions.Tests.Lifecycle;

public class SessionRegistryTests
{
    private static readonly PostgresError Revoked = PostgresError.Fatal(SqlState.AdminShutdown, "terminating connection because the token was revoked");

    private static SessionHandle Handle(SessionRegistry registry, string tokenId) =>
        new(registry.NextId(), tokenId, "alice", "app", "203.0.113.7:5000", DateTimeOffset.UnixEpoch);

    private static List<SessionCommand> Drain(SessionHandle handle)
    {
        var commands = new List<SessionCommand>();
        while (handle.Mailbox.TryRead(out var command))
        {
            commands.Add(command);
        }

        return commands;
    }

    [Fact]
    public void NextId_IsUniqueAndIncreasing()
    {
        var registry = new SessionRegistry();

        var first = registry.NextId();
        var second = registry.NextId();

        Assert.True(second > first);
    }

    [Fact]
    public void Register_SessionsOf_ListsExactlyThatTokensSessions()
    {
        var registry = new SessionRegistry();
        var a1 = Handle(registry, "aaaaaaaaaaaa");
        var a2 = Handle(registry, "aaaaaaaaaaaa");
        var b = Handle(registry, "bbbbbbbbbbbb");

        registry.Register(a1);
        registry.Register(a2);
        registry.Register(b);

        Assert.Equal(3, registry.Count);
        Assert.Equal(new HashSet<SessionHandle> { a1, a2 }, registry.SessionsOf("aaaaaaaaaaaa").ToHashSet());
        Assert.Equal([b], registry.SessionsOf("bbbbbbbbbbbb"));
        Assert.Empty(registry.SessionsOf("cccccccccccc"));
        Assert.Equal(new HashSet<SessionHandle> { a1, a2, b }, registry.Snapshot().ToHashSet());
    }

    [Fact]
    public void Unregister_RemovesFromEveryIndex()
    {
        var registry = new SessionRegistry();
        var a1 = Handle(registry, "aaaaaaaaaaaa");
        var a2 = Handle(registry, "aaaaaaaaaaaa");
        registry.Register(a1);
        registry.Register(a2);

        registry.Unregister(a1);

        Assert.Equal(1, registry.Count);
        Assert.Equal([a2], registry.SessionsOf("aaaaaaaaaaaa"));
        Assert.Equal([a2], registry.Snapshot());

        registry.Unregister(a2);

        Assert.Equal(0, registry.Count);
        Assert.Empty(registry.SessionsOf("aaaaaaaaaaaa"));
    }

    [Fact]
    public void TerminateToken_PostsOneTerminateSessionToEachOfThatTokensSessionsOnly()
    {
        var registry = new SessionRegistry();
        var a1 = Handle(registry, "aaaaaaaaaaaa");
        var a2 = Handle(registry, "aaaaaaaaaaaa");
        var b = Handle(registry, "bbbbbbbbbbbb");
        registry.Register(a1);
        registry.Register(a2);
        registry.Register(b);

        var asked = registry.TerminateToken("aaaaaaaaaaaa", Revoked, "token revoked by admin");

        Assert.Equal(2, asked);
        var expected = new TerminateSession(Revoked, "token revoked by admin");
        Assert.Equal([expected], Drain(a1));
        Assert.Equal([expected], Drain(a2));
        Assert.Empty(Drain(b));
    }

    [Fact]
    public void TerminateToken_UnknownToken_AsksNobody()
    {
        var registry = new SessionRegistry();
        var a = Handle(registry, "aaaaaaaaaaaa");
        registry.Register(a);

        Assert.Equal(0, registry.TerminateToken("zzzzzzzzzzzz", Revoked, "revoked"));
        Assert.Empty(Drain(a));
    }

    [Fact]
    public void Terminate_ById_PostsToThatSessionOnly()
    {
        var registry = new SessionRegistry();
        var a1 = Handle(registry, "aaaaaaaaaaaa");
        var a2 = Handle(registry, "aaaaaaaaaaaa");
        registry.Register(a1);
        registry.Register(a2);

        Assert.True(registry.Terminate(a2.Id, Revoked, "operator kill"));
        Assert.False(registry.Terminate(a2.Id + 1000, Revoked, "operator kill"));

        Assert.Empty(Drain(a1));
        Assert.Equal([new TerminateSession(Revoked, "operator kill")], Drain(a2));
    }

    [Fact]
    public void Unregister_ThenPost_ReturnsFalseAndTerminateTokenSkipsIt()
    {
        var registry = new SessionRegistry();
        var a = Handle(registry, "aaaaaaaaaaaa");
        registry.Register(a);

        registry.Unregister(a);

        Assert.False(a.Post(new TerminateSession(Revoked, "late")));
        Assert.Equal(0, registry.TerminateToken("aaaaaaaaaaaa", Revoked, "late"));
        Assert.False(registry.Terminate(a.Id, Revoked, "late"));
        Assert.True(a.Mailbox.Completion.IsCompleted);
    }
}
