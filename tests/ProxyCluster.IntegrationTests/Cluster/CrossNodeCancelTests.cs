using System.Buffers.Binary;
using Npgsql;
using ProxyCluster.IntegrationTests.Fixtures;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Frontend;

namespace ProxyCluster.IntegrationTests.Cluster;

/// <summary>
/// Behind a TCP load balancer a client's cancel connection reaches any node. A CancelRequest that lands on a node
/// other than the session's is handed to the owner, which cancels the running statement upstream.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CrossNodeCancelTests(ClusterFixture cluster)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task CancelRequest_SentToAnotherNode_CancelsTheStatementOnTheOwner()
    {
        using var admin = cluster.Admin(0);
        var token = await admin.CreateTokenAsync("cancelled-across-nodes");
        await Eventually.TrueAsync(() => cluster.AcceptsAsync(0, token), "node 1 accepts the token");
        await using var session = await RawClient.ConnectAsync(cluster.PortOf(0));
        var key = await LogInAsync(session, token);

        await session.SendAsync(w => FrontendMessages.WriteQuery(w, "SELECT pg_sleep(60) AS cross_node_cancel"));
        await Eventually.TrueAsync(RunningAsync, "the statement runs upstream");

        // The key goes to node 2, which did not mint it: it must reach node 1, and node 1 the server.
        await using (var canceller = await RawClient.ConnectAsync(cluster.PortOf(1)))
        {
            await canceller.SendAsync(w => FrontendMessages.WriteCancelRequest(w, key));
            Assert.Empty(await canceller.ReadUntilClosedAsync(Timeout)); // like PostgreSQL: closed without a word
        }

        var error = await NextErrorAsync(session);
        Assert.Equal(SqlState.QueryCanceled, error.SqlState);
        Assert.Contains(cluster.Logs[1].Lines, l => l.Contains($"process {key.ProcessId}: handed to node node-1", StringComparison.Ordinal));
        Assert.Contains(cluster.Logs[0].Lines, l => l.Contains($"forwarded by the node at", StringComparison.Ordinal) && l.Contains($"process {key.ProcessId}: forwarded to", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CancelRequest_WithAWrongSecret_CancelsNothing()
    {
        using var admin = cluster.Admin(0);
        var token = await admin.CreateTokenAsync("not-cancelled-across-nodes");
        await Eventually.TrueAsync(() => cluster.AcceptsAsync(0, token), "node 1 accepts the token");
        await using var session = await RawClient.ConnectAsync(cluster.PortOf(0));
        var key = await LogInAsync(session, token);

        await using (var canceller = await RawClient.ConnectAsync(cluster.PortOf(2)))
        {
            await canceller.SendAsync(w => FrontendMessages.WriteCancelRequest(w, key with { SecretKey = key.SecretKey ^ 1 }));
            await canceller.ReadUntilClosedAsync(Timeout);
        }

        await Eventually.True(
            () => cluster.Logs[0].Lines.Any(l => l.Contains($"process {key.ProcessId}: no such session on this node", StringComparison.Ordinal)),
            "node 1 refuses the key");

        // The session is untouched: a statement after the attempt completes normally.
        await session.SendAsync(w => FrontendMessages.WriteQuery(w, "SELECT 1"));
        var (code, _) = await session.ReadMessageAsync(Timeout);
        Assert.Equal((byte)'T', code); // RowDescription, not an error
    }

    /// <summary>Startup with any user name and the token as a cleartext password (the cluster's development listener); returns the minted cancel key.</summary>
    private static async Task<CancelRequest> LogInAsync(RawClient session, TestToken token)
    {
        await session.SendAsync(w => FrontendMessages.WriteStartupMessage(w, [new("user", "cancel-test"), new("database", ClusterFixture.AppDatabase)]));
        CancelRequest? key = null;
        while (true)
        {
            var (code, body) = await session.ReadMessageAsync(Timeout);
            switch ((char)code)
            {
                case 'R' when BinaryPrimitives.ReadInt32BigEndian(body) == 3:
                    await session.SendAsync(w => FrontendMessages.WritePasswordMessage(w, token.Token));
                    break;
                case 'K':
                    key = new CancelRequest(BinaryPrimitives.ReadInt32BigEndian(body), BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(4)));
                    break;
                case 'E':
                    Assert.Fail("the login failed: " + Error(body).Message);
                    break;
                case 'Z':
                    return key ?? throw new InvalidOperationException("no BackendKeyData before ReadyForQuery");
            }
        }
    }

    private static async Task<PostgresError> NextErrorAsync(RawClient session)
    {
        while (true)
        {
            var (code, body) = await session.ReadMessageAsync(Timeout);
            if (code == (byte)'E')
            {
                return Error(body);
            }
        }
    }

    private static PostgresError Error(byte[] body) =>
        ErrorResponseReader.TryRead(new System.Buffers.ReadOnlySequence<byte>(body), out var error) ? error! : throw new InvalidOperationException("malformed ErrorResponse");

    private async Task<bool> RunningAsync()
    {
        await using var direct = new NpgsqlConnection(cluster.Postgres.ConnectionString(ClusterFixture.AppDatabase));
        await direct.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%cross_node_cancel%' AND pid <> pg_backend_pid()", direct);
        return (long)(await command.ExecuteScalarAsync())! == 1;
    }
}
