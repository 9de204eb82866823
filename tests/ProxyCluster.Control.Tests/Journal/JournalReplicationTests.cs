using System.Diagnostics;
using Npgsql;
using ProxyCluster.Control.Journal;
using ProxyCluster.Control.Tests.Fixtures;
using ProxyCluster.IntegrationTests.Fixtures;
using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Control.Tests.Journal;

public sealed class JournalReplicationTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly TestTokenFactory _tokens = new();

    [Fact]
    public async Task InitialLoad_ExistingJournal_IsAppliedBeforeItCompletes()
    {
        await using var db = await MigratedAsync();
        var journal = new TokenJournal(db.Store);
        await journal.AppendAsync(_tokens.Issue(out var revokedId));
        await journal.AppendAsync(_tokens.Issue(out var activeId));
        var last = (await journal.AppendAsync(TestTokenFactory.Revoke(revokedId))).Event!;
        await using var node = new ReplicaNode(db.DataSource, db.Store.Schema, ReplicaNode.FastOptions(App()));

        await node.StartAsync();

        Assert.True(node.Replication.IsConnected);
        Assert.Null(node.Replication.LastError);
        Assert.Equal(last.Ordering, node.Replication.Position);
        Assert.Equal([activeId], node.Registry.Snapshot.Keys);
        Assert.Equal(TokenStatus.Revoked, node.Replica.States[revokedId].Status);
        Assert.Equal(3, node.Applied.Count);
    }

    [Fact]
    public async Task Revocation_CommittedAfterStart_ReachesTheReplicaByNotification()
    {
        await using var db = await MigratedAsync();
        var journal = new TokenJournal(db.Store);
        await using var node = new ReplicaNode(db.DataSource, db.Store.Schema, ReplicaNode.FastOptions(App()));
        await node.StartAsync();
        var issued = (await journal.AppendAsync(_tokens.Issue(out var id))).Event!;
        await node.Replication.WaitForPositionAsync(issued.Ordering, new CancellationTokenSource(Bound).Token);
        Assert.True(node.Registry.TryGet(id, out _));
        var ended = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = new Stopwatch();
        node.Replica.TokenEnded += state => ended.TrySetResult(clock.ElapsedTicks);

        clock.Start();
        var revoked = (await journal.AppendAsync(TestTokenFactory.Revoke(id))).Event!;
        var endedAt = TimeSpan.FromTicks(await ended.Task.WaitAsync(Bound) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);

        // The poll is five minutes: only the notification can have delivered it, and it should take milliseconds.
        Assert.True(endedAt < TimeSpan.FromSeconds(2), $"revocation applied after {endedAt.TotalMilliseconds} ms");
        Assert.False(node.Registry.TryGet(id, out _));
        await node.Replication.WaitForPositionAsync(revoked.Ordering, new CancellationTokenSource(Bound).Token);
        Assert.Equal(revoked.Ordering, node.Replication.Position);
    }

    [Fact]
    public async Task WaitForPositionAsync_OrderingNotYetCommitted_DoesNotComplete()
    {
        await using var db = await MigratedAsync();
        await using var node = new ReplicaNode(db.DataSource, db.Store.Schema, ReplicaNode.FastOptions(App()));
        await node.StartAsync();
        using var shortWait = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => node.Replication.WaitForPositionAsync(1, shortWait.Token));

        var issued = (await new TokenJournal(db.Store).AppendAsync(_tokens.Issue(out _))).Event!;
        await node.Replication.WaitForPositionAsync(issued.Ordering, new CancellationTokenSource(Bound).Token);
    }

    [Fact]
    public async Task ListenConnectionKilled_EventAppendedWhileDisconnected_IsAppliedOnceAfterReconnect()
    {
        await using var db = await MigratedAsync();
        var journal = new TokenJournal(db.Store);
        var role = "replica_" + Guid.NewGuid().ToString("N")[..8];
        var (replicaSource, _) = await db.NewRoleDataSourceAsync(role);
        await using var replicaSourceLease = replicaSource;
        var app = App();
        await using var node = new ReplicaNode(replicaSource, db.Store.Schema, ReplicaNode.FastOptions(app));
        await node.StartAsync();
        var issued = (await journal.AppendAsync(_tokens.Issue(out var id))).Event!;
        await node.Replication.WaitForPositionAsync(issued.Ordering, new CancellationTokenSource(Bound).Token);

        // Keep the replica out (its role may not log in) and cut its LISTEN connection.
        await db.ExecuteAsync($"ALTER ROLE {role} NOLOGIN");
        Assert.Equal(1, await db.TerminateAsync(app));
        await Eventually.TrueAsync(() => !node.Replication.IsConnected, "the replica notices the lost connection");
        var revoked = (await journal.AppendAsync(TestTokenFactory.Revoke(id))).Event!;
        await Eventually.TrueAsync(() => node.LogCount("Debug", "still unable to follow") >= 2, "the replica retries");

        Assert.True(node.Registry.TryGet(id, out _), "fail-static: the replica keeps what it had");
        Assert.Contains("is unreachable", node.Replication.LastError, StringComparison.Ordinal);
        Assert.Equal(issued.Ordering, node.Replication.Position);

        await db.ExecuteAsync($"ALTER ROLE {role} LOGIN");
        await node.Replication.WaitForPositionAsync(revoked.Ordering, new CancellationTokenSource(Bound).Token);
        await Eventually.TrueAsync(() => node.Replication.IsConnected, "the replica reports the store reachable again");

        Assert.False(node.Registry.TryGet(id, out _));
        Assert.Equal([id], node.Ended);
        Assert.Equal(new Dictionary<long, int> { [issued.Ordering] = 1, [revoked.Ordering] = 1 }, node.Applied);
        Assert.Null(node.Replication.LastError);
        Assert.Equal(1, node.LogCount("Warning", "serving the last replicated token state"));
        Assert.Equal(1, node.LogCount("Information", "reachable again"));
    }

    [Fact]
    public async Task ListenConnectionKilledRepeatedly_WhileAppending_AppliesEveryEventExactlyOnce()
    {
        await using var db = await MigratedAsync();
        var journal = new TokenJournal(db.Store);
        var app = App();
        await using var node = new ReplicaNode(db.DataSource, db.Store.Schema, ReplicaNode.FastOptions(app));
        await node.StartAsync();
        var ids = new List<string>();
        long last = 0;
        for (var i = 0; i < 40; i++)
        {
            var request = i % 2 == 0 ? _tokens.Issue(out _) : TestTokenFactory.Revoke(ids[^1]);
            if (i % 2 == 0)
            {
                ids.Add(request.TokenId);
            }

            last = (await journal.AppendAsync(request)).Event!.Ordering;
            if (i % 5 == 4)
            {
                await db.TerminateAsync(app); // 0 when it is between connections: also fine
            }
        }

        await node.Replication.WaitForPositionAsync(last, new CancellationTokenSource(Bound).Token);

        var all = await journal.ReadAllAsync();
        Assert.Equal(all.Select(e => e.Ordering).Order(), node.Applied.Keys.Order());
        Assert.All(node.Applied.Values, n => Assert.Equal(1, n));
        Assert.Equal(ids.Order(), node.Ended.Order());
        Assert.Empty(node.Registry.Snapshot);
        Assert.Equal(0, node.Rebuilds);
    }

    [Fact]
    public async Task MissedEvent_RebuildsTheReplicaFromTheWholeJournal()
    {
        await using var db = await MigratedAsync();
        var journal = new TokenJournal(db.Store);
        await journal.AppendAsync(_tokens.Issue(out var revokedId));
        await journal.AppendAsync(_tokens.Issue(out var activeId));
        var last = (await journal.AppendAsync(TestTokenFactory.Revoke(revokedId))).Event!;
        await using var node = new ReplicaNode(db.DataSource, db.Store.Schema, ReplicaNode.FastOptions(App()));

        // A replica that believes in an event the journal does not hold: ordering 1 is someone else's issue here,
        // so the revocation at ordering 3 names a token this replica never saw.
        var ghost = _tokens.Issue(out var ghostId);
        node.Replica.Apply(new TokenEvent(1, ghostId, 1, TokenEventType.Issued, DateTimeOffset.UtcNow, "alice", null, ghost.Payload));
        await node.StartAsync();

        Assert.Equal(1, node.Rebuilds);
        Assert.Equal(last.Ordering, node.Replication.Position);
        Assert.Equal([activeId], node.Registry.Snapshot.Keys);
        Assert.False(node.Replica.States.ContainsKey(ghostId));
        Assert.Contains(ghostId, node.Ended);
        Assert.Equal(1, node.LogCount("Warning", "rebuilding it from the whole journal"));
    }

    [Fact]
    public async Task StoreStopped_ReplicaKeepsItsStateReportsDisconnectedAndLogsTheOutageOnce()
    {
        var server = await PostgresServer.StartAsync();
        await using var db = await TestStore.CreateAsync(server, "failstatic", ControlStore.DefaultSchema);
        await db.Store.MigrateAsync();
        var journal = new TokenJournal(db.Store);
        await journal.AppendAsync(_tokens.Issue(out var revokedId));
        await journal.AppendAsync(_tokens.Issue(out var activeId));
        await journal.AppendAsync(TestTokenFactory.Revoke(revokedId));
        await using var node = new ReplicaNode(db.DataSource, db.Store.Schema, ReplicaNode.FastOptions(App()));
        await node.StartAsync();
        var position = node.Replication.Position;

        await server.DisposeAsync();
        await Eventually.TrueAsync(() => !node.Replication.IsConnected, "the replica notices the store is gone");
        await Eventually.TrueAsync(() => node.LogCount("Debug", "still unable to follow") >= 3, "the replica keeps retrying");

        Assert.Equal([activeId], node.Registry.Snapshot.Keys);
        Assert.Equal(TokenStatus.Revoked, node.Replica.States[revokedId].Status);
        Assert.Equal(position, node.Replication.Position);
        Assert.StartsWith($"the control store at 127.0.0.1:{server.Port}/failstatic is unreachable", node.Replication.LastError, StringComparison.Ordinal);
        Assert.Equal(1, node.LogCount("Warning", "serving the last replicated token state"));
        Assert.Equal(0, node.LogCount("Error", ""));
        var refused = await Assert.ThrowsAsync<ControlStoreUnavailableException>(() => journal.AppendAsync(TestTokenFactory.Revoke(activeId)));
        Assert.DoesNotContain(server.SuperUserPassword, refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_BeforeTheFirstLoad_CancelsInitialLoad()
    {
        await using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=x;Password=y;Timeout=1");
        await using var node = new ReplicaNode(dataSource, ControlStore.DefaultSchema, ReplicaNode.FastOptions(App()));
        await node.Replication.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => node.Replication.LastError is not null, "the first connection attempt fails");

        await node.Replication.StopAsync(new CancellationTokenSource(Bound).Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => node.Replication.InitialLoad);
        Assert.False(node.Replication.IsConnected);
    }

    private static string App() => "replica-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<TestStore> MigratedAsync()
    {
        var db = await postgres.NewStoreAsync();
        await db.Store.MigrateAsync();
        return db;
    }
}
