using Microsoft.Extensions.Logging;
using Npgsql;
using ProxyCluster.Control.Membership;
using ProxyCluster.Control.Tests.Fixtures;
using ProxyCluster.IntegrationTests.Fixtures;

namespace ProxyCluster.Control.Tests.Membership;

public sealed class NodeMembershipTests : IClassFixture<PostgresFixture>, IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly PostgresFixture _postgres;
    private readonly CollectingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggers;
    private long _position;

    public NodeMembershipTests(PostgresFixture postgres)
    {
        _postgres = postgres;
        _loggers = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug));
    }

    [Fact]
    public async Task Start_RegistersTheNodeAndHeartbeatsItsJournalPosition()
    {
        await using var db = await MigratedAsync();
        var queries = new MembershipQueries(db.Store);
        using var node = NewMembership(db.DataSource, "n1", 1);

        await node.StartAsync(CancellationToken.None);
        var first = await WaitForMemberAsync(queries, "n1", m => m.State == MemberState.Up);
        Interlocked.Exchange(ref _position, 42);
        var later = await WaitForMemberAsync(queries, "n1", m => m.JournalPosition == 42);

        Assert.Equal(1, first.Ordinal);
        Assert.Equal(["127.0.0.1:6432", "[::1]:6432"], first.PostgresAddresses);
        Assert.Equal("http://127.0.0.1:9901", first.AdminUrl);
        Assert.Equal("1.2.3", first.Version);
        Assert.True(later.LastHeartbeat > first.LastHeartbeat);
        Assert.Equal(first.StartedAt, later.StartedAt);
        Assert.True(node.IsConnected);
        await node.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task StopAsync_MarksTheNodeStopped_AndARestartBringsItBackUp()
    {
        await using var db = await MigratedAsync();
        var queries = new MembershipQueries(db.Store);
        using (var node = NewMembership(db.DataSource, "n2", 2))
        {
            await node.StartAsync(CancellationToken.None);
            await WaitForMemberAsync(queries, "n2", m => m.State == MemberState.Up);
            Interlocked.Exchange(ref _position, 7);
            await node.StopAsync(CancellationToken.None);
        }

        var stopped = Assert.Single(await queries.ListMembersAsync(Interval));
        Assert.Equal(MemberState.Stopped, stopped.State);
        Assert.Equal(7, stopped.JournalPosition);

        using var restarted = NewMembership(db.DataSource, "n2", 2);
        await restarted.StartAsync(CancellationToken.None);
        var up = await WaitForMemberAsync(queries, "n2", m => m.State == MemberState.Up);
        Assert.True(up.StartedAt > stopped.StartedAt);
        await restarted.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ListMembersAsync_HeartbeatOlderThanThreeIntervals_IsUnreachable()
    {
        await using var db = await MigratedAsync();
        var queries = new MembershipQueries(db.Store);
        using (var node = NewMembership(db.DataSource, "n3", 3))
        {
            await node.StartAsync(CancellationToken.None);
            await WaitForMemberAsync(queries, "n3", m => m.State == MemberState.Up);
            await node.StopAsync(CancellationToken.None);
        }

        // As if it had crashed five seconds ago: no stopped_at, an old heartbeat (by the store's clock).
        await db.ExecuteAsync("UPDATE proxycluster.nodes SET stopped_at = NULL, last_heartbeat = now() - interval '5 seconds'");

        Assert.Equal(MemberState.Unreachable, Assert.Single(await queries.ListMembersAsync(TimeSpan.FromSeconds(1))).State);
        Assert.Equal(MemberState.Up, Assert.Single(await queries.ListMembersAsync(TimeSpan.FromSeconds(2))).State);
    }

    [Fact]
    public async Task ListMembersAsync_SeveralNodes_AreOrderedByOrdinal()
    {
        await using var db = await MigratedAsync();
        var queries = new MembershipQueries(db.Store);
        using var b = NewMembership(db.DataSource, "b", 2);
        using var a = NewMembership(db.DataSource, "a", 1);
        await b.StartAsync(CancellationToken.None);
        await a.StartAsync(CancellationToken.None);

        await Eventually.TrueAsync(async () => (await queries.ListMembersAsync(Interval)).Count(m => m.State == MemberState.Up) == 2, "both nodes up");

        Assert.Equal(["a", "b"], (await queries.ListMembersAsync(Interval)).Select(m => m.NodeId));
        await a.StopAsync(CancellationToken.None);
        await b.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Heartbeat_StoreRefusesTheNode_LogsTheOutageOnceAndRegistersWhenBack()
    {
        await using var db = await MigratedAsync();
        var queries = new MembershipQueries(db.Store);
        var role = "member_" + Guid.NewGuid().ToString("N")[..8];
        var (roleSource, _) = await db.NewRoleDataSourceAsync(role);
        await using var roleSourceLease = roleSource;
        await db.ExecuteAsync($"ALTER ROLE {role} NOLOGIN");
        using var node = NewMembership(roleSource, "n4", 4);

        await node.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => LogCount("Debug", "still cannot heartbeat") >= 3, "the node keeps trying");

        Assert.False(node.IsConnected);
        Assert.Contains("is unreachable", node.LastError, StringComparison.Ordinal);
        Assert.Equal(1, LogCount("Warning", "cannot heartbeat"));
        Assert.Empty(await queries.ListMembersAsync(Interval));

        await db.ExecuteAsync($"ALTER ROLE {role} LOGIN");
        await WaitForMemberAsync(queries, "n4", m => m.State == MemberState.Up);
        await Eventually.TrueAsync(() => node.IsConnected, "the node reports the store reachable");
        Assert.Null(node.LastError);
        Assert.Equal(1, LogCount("Information", "heartbeats to the control store"));
        await node.StopAsync(CancellationToken.None);
    }

    public void Dispose()
    {
        _loggers.Dispose();
        _logs.Dispose();
    }

    private NodeMembership NewMembership(NpgsqlDataSource dataSource, string nodeId, int ordinal)
    {
        return new NodeMembership(
            new ControlStore(dataSource),
            new NodeRegistration(nodeId, ordinal, ["127.0.0.1:6432", "[::1]:6432"], "http://127.0.0.1:9901", "1.2.3"),
            () => Interlocked.Read(ref _position),
            new NodeMembershipOptions { HeartbeatInterval = Interval },
            _loggers.CreateLogger<NodeMembership>());
    }

    private int LogCount(string level, string fragment) =>
        _logs.Lines.Count(l => l.StartsWith(level + " ", StringComparison.Ordinal) && l.Contains(fragment, StringComparison.Ordinal));

    private static async Task<ClusterMember> WaitForMemberAsync(MembershipQueries queries, string nodeId, Func<ClusterMember, bool> condition)
    {
        ClusterMember? found = null;
        await Eventually.TrueAsync(
            async () =>
            {
                found = (await queries.ListMembersAsync(Interval)).FirstOrDefault(m => m.NodeId == nodeId);
                return found is not null && condition(found);
            },
            $"member {nodeId} as expected");
        return found!;
    }

    private async Task<TestStore> MigratedAsync()
    {
        var db = await _postgres.NewStoreAsync();
        await db.Store.MigrateAsync();
        return db;
    }
}
