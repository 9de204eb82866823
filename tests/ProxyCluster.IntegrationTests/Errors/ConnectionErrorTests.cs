using System.Buffers.Binary;
using Npgsql;
using ProxyCluster.IntegrationTests.Fixtures;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Framing;
using ProxyCluster.Protocol.Frontend;

namespace ProxyCluster.IntegrationTests.Errors;

/// <summary>Every way a connection can fail, answered with the SQLSTATE PostgreSQL would use, without disturbing other sessions.</summary>
[Collection(ProxyCollection.Name)]
public sealed class ConnectionErrorTests(ProxyFixture fixture)
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task WrongSecret_Is28P01_WithoutSayingWhichPartWasWrong()
    {
        var real = fixture.DefaultToken;
        var forged = real with { Token = ProxyCluster.Tokens.ApiToken.MintWithId(real.Id) };
        var error = await OpenExpectingErrorAsync(fixture.ConnectionString(forged));
        Assert.Equal("28P01", error.SqlState);
        Assert.Equal($"password authentication failed for user \"{real.User}\"", error.MessageText);
    }

    [Fact]
    public async Task UnknownToken_Is28P01_OnBothListeners()
    {
        var unknown = TestToken.Mint("nobody");
        Assert.Equal("28P01", (await OpenExpectingErrorAsync(fixture.ConnectionString(unknown))).SqlState);
        Assert.Equal("28P01", (await OpenExpectingErrorAsync(fixture.ConnectionString(unknown, port: fixture.ScramOnlyPort))).SqlState);
    }

    [Fact]
    public async Task ExpiredToken_Is28P01()
    {
        var expired = fixture.AddToken("expired", expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.Equal("28P01", (await OpenExpectingErrorAsync(fixture.ConnectionString(expired))).SqlState);
    }

    [Fact]
    public async Task CleartextToken_IsRefusedOnAListenerWithoutTls()
    {
        // With a user that is not a token id the proxy would need the token in cleartext; this listener never asks.
        var builder = new NpgsqlConnectionStringBuilder(fixture.ConnectionString(port: fixture.ScramOnlyPort)) { Username = "someone" };
        Assert.Equal("28P01", (await OpenExpectingErrorAsync(builder.ConnectionString)).SqlState);
    }

    [Fact]
    public async Task UnknownDatabase_Is3D000()
    {
        var error = await OpenExpectingErrorAsync(fixture.ConnectionString(database: "nope"));
        Assert.Equal("3D000", error.SqlState);
        Assert.Equal("database \"nope\" does not exist", error.MessageText);
    }

    [Fact]
    public async Task DatabaseMissingUpstream_PassesTheServers3D000Through()
    {
        var error = await OpenExpectingErrorAsync(fixture.ConnectionString(database: "missingdb"));
        Assert.Equal("3D000", error.SqlState);
    }

    [Fact]
    public async Task RouteNotGrantedToToken_Is42501()
    {
        var limited = fixture.AddToken("limited", routes: ["missingdb"]);
        var error = await OpenExpectingErrorAsync(fixture.ConnectionString(limited));
        Assert.Equal("42501", error.SqlState);
    }

    [Fact]
    public async Task UnreachableUpstream_Is08006_NamingTheRouteButNotThePassword()
    {
        var error = await OpenExpectingErrorAsync(fixture.ConnectionString(database: "unreachable"));
        Assert.Equal("08006", error.SqlState);
        Assert.Contains("route \"unreachable\"", error.MessageText, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.UpstreamPassword, error.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForbiddenStartupParameter_IsRefusedWithItsName()
    {
        var builder = new NpgsqlConnectionStringBuilder(fixture.ConnectionString()) { Options = "-c search_path=evil" };
        var error = await OpenExpectingErrorAsync(builder.ConnectionString);
        Assert.Equal("42501", error.SqlState);
        Assert.Contains("\"options\"", error.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedStartupPacket_Is08P01_AndTheConnectionCloses()
    {
        await using var client = await RawClient.ConnectAsync(fixture.Port);
        var packet = new byte[20_000];
        BinaryPrimitives.WriteInt32BigEndian(packet, packet.Length);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(4), StartupCodes.ProtocolVersion3);
        await client.SendAsync(packet.AsSpan(0, 8).ToArray());

        var error = Assert.Single(RawClient.ErrorsIn(await client.ReadUntilClosedAsync(ReadTimeout)));
        Assert.Equal(SqlState.ProtocolViolation, error.SqlState);
        Assert.Equal("FATAL", error.Severity);
    }

    [Fact]
    public async Task MalformedStartupPacket_Is08P01()
    {
        await using var client = await RawClient.ConnectAsync(fixture.Port);
        // user\0app (no terminators at the end)
        byte[] body = [.. "user\0app"u8];
        var packet = new byte[8 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(packet, packet.Length);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(4), StartupCodes.ProtocolVersion3);
        body.CopyTo(packet, 8);
        await client.SendAsync(packet);

        var error = Assert.Single(RawClient.ErrorsIn(await client.ReadUntilClosedAsync(ReadTimeout)));
        Assert.Equal(SqlState.ProtocolViolation, error.SqlState);
    }

    [Fact]
    public async Task MalformedMessageAfterStartup_Is08P01_AndTheConnectionCloses()
    {
        await using var client = await RawClient.ConnectAsync(fixture.Port);
        await client.SendAsync(w => FrontendMessages.WriteStartupMessage(w, [new("user", "someone"), new("database", ProxyFixture.AppDatabase)]));
        Assert.Equal((byte)BackendCode.Authentication, await client.ReadByteAsync(ReadTimeout));
        // A password message whose length field claims less than its own four bytes.
        await client.SendAsync([(byte)'p', 0, 0, 0, 2]);
        var errors = RawClient.ErrorsIn(Skip(await client.ReadUntilClosedAsync(ReadTimeout), 8));
        Assert.Equal(SqlState.ProtocolViolation, Assert.Single(errors).SqlState);
    }

    [Fact]
    public async Task SilentClient_IsClosedWhenAuthenticationTimesOut()
    {
        await using var client = await RawClient.ConnectAsync(fixture.Port);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var bytes = await client.ReadUntilClosedAsync(TimeSpan.FromSeconds(ProxyFixture.AuthTimeoutSeconds + 10));
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(ProxyFixture.AuthTimeoutSeconds - 1), TimeSpan.FromSeconds(ProxyFixture.AuthTimeoutSeconds + 5));
        Assert.Equal(SqlState.QueryCanceled, Assert.Single(RawClient.ErrorsIn(bytes)).SqlState);
    }

    [Fact]
    public async Task EncryptionRequests_AreRefusedWithN_AndStartupContinues()
    {
        await using var client = await RawClient.ConnectAsync(fixture.Port);
        await client.SendAsync(FrontendMessages.WriteSslRequest);
        Assert.Equal(StartupCodes.Refuse, await client.ReadByteAsync(ReadTimeout));
        await client.SendAsync(w => FrontendMessages.WriteStartupMessage(w, [new("user", fixture.DefaultToken.User), new("database", ProxyFixture.AppDatabase)]));
        Assert.Equal((byte)BackendCode.Authentication, await client.ReadByteAsync(ReadTimeout));
    }

    [Fact]
    public async Task CancelRequestWithAWrongKey_CancelsNothing()
    {
        await using var connection = await fixture.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT 'finished' FROM pg_sleep(1)", connection);
        var running = command.ExecuteScalarAsync();

        await using (var canceller = await RawClient.ConnectAsync(fixture.Port))
        {
            await canceller.SendAsync(w => FrontendMessages.WriteCancelRequest(w, new CancelRequest(connection.ProcessID, 12345)));
            Assert.Empty(await canceller.ReadUntilClosedAsync(ReadTimeout));
        }

        Assert.Equal("finished", (string)(await running)!);
    }

    [Fact]
    public async Task Garbage_DoesNotDisturbALiveSession()
    {
        await using var connection = await fixture.OpenAsync();
        for (var i = 0; i < 20; i++)
        {
            await using var client = await RawClient.ConnectAsync(fixture.Port);
            await client.SendAsync([.. Enumerable.Range(0, 64).Select(b => (byte)(b * 37 + i))]);
            await client.ReadUntilClosedAsync(ReadTimeout);
        }

        await using var command = new NpgsqlCommand("SELECT 'still here'", connection);
        Assert.Equal("still here", (string)(await command.ExecuteScalarAsync())!);
    }

    private static byte[] Skip(byte[] bytes, int count) => bytes.Length <= count ? [] : bytes[count..];

    private static async Task<PostgresException> OpenExpectingErrorAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());
    }
}
