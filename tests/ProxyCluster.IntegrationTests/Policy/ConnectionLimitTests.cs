using Npgsql;
using ProxyCluster.IntegrationTests.Fixtures;

namespace ProxyCluster.IntegrationTests.Policy;

/// <summary>A policy's <c>max_connections_per_node</c>: the token's next session is refused before the server is asked.</summary>
[Collection(ProxyCollection.Name)]
public sealed class ConnectionLimitTests(ProxyFixture fixture)
{
    [Fact]
    public async Task ThirdSession_OfATokenLimitedToTwo_IsRefusedWith53300_AndAFreedSlotCanBeTaken()
    {
        var token = fixture.AddToken("limited", policy: "two-sessions");
        var other = fixture.AddToken("limited-neighbour", policy: "two-sessions");
        await using var first = await fixture.OpenAsync(token);
        var second = await fixture.OpenAsync(token);

        await using (var third = new NpgsqlConnection(fixture.ConnectionString(token)))
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => third.OpenAsync());
            Assert.Equal("53300", refused.SqlState);
            Assert.Equal($"too many connections for token \"{token.Id}\"", refused.MessageText);
        }

        // The limit is the token's own: another token of the same policy is not held back.
        await (await fixture.OpenAsync(other)).DisposeAsync();

        await second.DisposeAsync();
        await Eventually.True(() => fixture.Node.Sessions.SessionsOf(token.Id).Count == 1, "the second session has ended");
        await using var again = await fixture.OpenAsync(token);
        Assert.Equal(1, await new NpgsqlCommand("SELECT 1", again).ExecuteScalarAsync());
    }
}
