using System.Buffers.Binary;
using System.IO.Pipelines;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Framing;
using ProxyCluster.Protocol.Frontend;
using ProxyCluster.Sessions.Startup;
using ProxyCluster.Sessions.Tests.Support;

namespace ProxyCluster.Sessions.Tests.Startup;

public class StartupNegotiatorTests
{
    private static readonly byte[] SslRequest = Wire.Untyped(StartupCodes.SslRequest);
    private static readonly byte[] GssEncRequest = Wire.Untyped(StartupCodes.GssEncRequest);

    private static readonly byte[] Startup = Wire.StartupPacket(
        StartupCodes.ProtocolVersion3,
        ("user", "pct_0123456789ab"),
        ("database", "app"),
        ("application_name", "psql"));

    /// <summary>A client connection in memory: the test is the client, the negotiator reads its packets.</summary>
    private sealed class Rig
    {
        private readonly Pipe _toProxy = new(DuplexPipe.ThreadPool);
        private readonly Pipe _toClient = new(DuplexPipe.ThreadPool);

        public Rig(int maxStartupLength = StartupFramer.DefaultMaxStartupLength)
        {
            Client = new Peer(_toClient.Reader, _toProxy.Writer);
            Result = StartupNegotiator.NegotiateAsync(new DuplexPipe(_toProxy.Reader, _toClient.Writer), maxStartupLength, encrypted: false, CancellationToken.None).AsTask();
        }

        public Peer Client { get; }

        public Task<NegotiationResult> Result { get; }

        public async Task<NegotiationResult> ResultAsync() => await Result.WaitAsync(Wire.Timeout);

        /// <summary>All the proxy wrote, once it has stopped writing.</summary>
        public async Task<byte[]> AnswersAsync()
        {
            await _toClient.Writer.CompleteAsync();
            return await Relay.PumpRig.ReadToEndAsync(_toClient.Reader);
        }
    }

    [Fact]
    public async Task NegotiateAsync_SslRequest_RefusedWithNThenStartupParsed()
    {
        var rig = new Rig();

        await rig.Client.SendAsync(SslRequest);
        Assert.Equal("N"u8.ToArray(), await rig.Client.ReadBytesAsync(1));
        await rig.Client.SendAsync(Startup);

        var result = await rig.ResultAsync();
        Assert.Equal(NegotiationKind.Startup, result.Kind);
        Assert.NotNull(result.Startup);
        Assert.Equal(StartupCodes.ProtocolVersion3, result.Startup.ProtocolVersion);
        Assert.Equal("pct_0123456789ab", result.Startup.User);
        Assert.Equal("app", result.Startup.Database);
        Assert.Equal(
            [new("user", "pct_0123456789ab"), new("database", "app"), new("application_name", "psql")],
            result.Startup.Parameters);
        Assert.False(result.NeedsProtocolNegotiation);
        Assert.Empty(await rig.AnswersAsync());
    }

    [Fact]
    public async Task NegotiateAsync_GssEncThenSsl_TwoRefusals()
    {
        var rig = new Rig();

        await rig.Client.SendAsync(GssEncRequest);
        Assert.Equal("N"u8.ToArray(), await rig.Client.ReadBytesAsync(1));
        await rig.Client.SendAsync(SslRequest);
        Assert.Equal("N"u8.ToArray(), await rig.Client.ReadBytesAsync(1));
        await rig.Client.SendAsync(Startup);

        Assert.Equal(NegotiationKind.Startup, (await rig.ResultAsync()).Kind);
        Assert.Empty(await rig.AnswersAsync());
    }

    [Fact]
    public async Task NegotiateAsync_ThreeEncryptionRequests_ProtocolViolation()
    {
        var rig = new Rig();

        await rig.Client.SendAsync([.. SslRequest, .. GssEncRequest, .. SslRequest]);

        var violation = await Assert.ThrowsAsync<ProtocolViolationException>(rig.ResultAsync);
        Assert.Equal(SqlState.ProtocolViolation, violation.SqlState);
        Assert.Equal("NN"u8.ToArray(), await rig.AnswersAsync());
    }

    [Fact]
    public async Task NegotiateAsync_CancelRequest_CancelWithTheKey()
    {
        var rig = new Rig();

        await rig.Client.SendAsync(w => FrontendMessages.WriteCancelRequest(w, new CancelRequest(0x0512_3456, -98_765)));

        var result = await rig.ResultAsync();
        Assert.Equal(NegotiationKind.Cancel, result.Kind);
        Assert.Equal(new CancelRequest(0x0512_3456, -98_765), result.CancelKey);
        Assert.Null(result.Startup);
    }

    [Fact]
    public async Task NegotiateAsync_CancelRequestOfWrongLength_ProtocolViolation()
    {
        var rig = new Rig();

        await rig.Client.SendAsync(Wire.Untyped(StartupCodes.CancelRequest, 1, 2, 3));

        var violation = await Assert.ThrowsAsync<ProtocolViolationException>(rig.ResultAsync);
        Assert.Equal(SqlState.ProtocolViolation, violation.SqlState);
    }

    [Fact]
    public async Task NegotiateAsync_PacketLongerThanLimit_08P01WithoutWaitingForTheBody()
    {
        var rig = new Rig(maxStartupLength: 10_000);

        // Only the length and the version: the rest of a 10 001-byte packet never comes.
        await rig.Client.SendAsync(OversizedHeader(10_001));

        var violation = await Assert.ThrowsAsync<ProtocolViolationException>(rig.ResultAsync);
        Assert.Equal(SqlState.ProtocolViolation, violation.SqlState);
    }

    [Fact]
    public async Task NegotiateAsync_PacketAtTheLimit_IsRead()
    {
        const int limit = 200;
        var padding = new string('x', limit - Wire.StartupPacket(StartupCodes.ProtocolVersion3, ("user", "u"), ("application_name", "")).Length);
        var packet = Wire.StartupPacket(StartupCodes.ProtocolVersion3, ("user", "u"), ("application_name", padding));
        Assert.Equal(limit, packet.Length);
        var rig = new Rig(maxStartupLength: limit);

        await rig.Client.SendAsync(packet);

        Assert.Equal(padding, (await rig.ResultAsync()).Startup?.Get("application_name"));
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(4, 0)]
    [InlineData(1, 5)]
    public async Task NegotiateAsync_OtherMajorVersion_0A000(int major, int minor)
    {
        var rig = new Rig();

        await rig.Client.SendAsync(Wire.StartupPacket((major << 16) | minor, ("user", "someone")));

        var violation = await Assert.ThrowsAsync<ProtocolViolationException>(rig.ResultAsync);
        Assert.Equal(SqlState.FeatureNotSupported, violation.SqlState);
        Assert.Contains($"{major}.{minor}", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NegotiateAsync_Protocol32WithProtocolOption_NeedsNegotiationAndListsTheOption()
    {
        var rig = new Rig();

        await rig.Client.SendAsync(Wire.StartupPacket(
            (3 << 16) | 2,
            ("user", "pct_0123456789ab"),
            ("_pq_.foo", "bar"),
            ("database", "app")));

        var result = await rig.ResultAsync();
        Assert.Equal(NegotiationKind.Startup, result.Kind);
        Assert.True(result.NeedsProtocolNegotiation);
        Assert.Equal(["_pq_.foo"], result.UnrecognizedProtocolOptions);
        Assert.Equal((3 << 16) | 2, result.Startup!.ProtocolVersion);
    }

    [Fact]
    public async Task NegotiateAsync_Protocol30WithProtocolOption_NeedsNegotiation()
    {
        var rig = new Rig();

        await rig.Client.SendAsync(Wire.StartupPacket(StartupCodes.ProtocolVersion3, ("user", "u"), ("_pq_.foo", "bar")));

        var result = await rig.ResultAsync();
        Assert.True(result.NeedsProtocolNegotiation);
        Assert.Equal(["_pq_.foo"], result.UnrecognizedProtocolOptions);
    }

    [Fact]
    public async Task NegotiateAsync_ClientClosesBeforeSendingAnything_Closed()
    {
        var rig = new Rig();

        rig.Client.Close();

        var result = await rig.ResultAsync();
        Assert.Equal(NegotiationKind.Closed, result.Kind);
        Assert.Null(result.Startup);
    }

    [Fact]
    public async Task NegotiateAsync_ClientClosesAfterRefusedSsl_Closed()
    {
        var rig = new Rig();

        await rig.Client.SendAsync(SslRequest);
        Assert.Equal("N"u8.ToArray(), await rig.Client.ReadBytesAsync(1));
        rig.Client.Close();

        Assert.Equal(NegotiationKind.Closed, (await rig.ResultAsync()).Kind);
    }

    [Fact]
    public async Task NegotiateAsync_ClientClosesMidPacket_ProtocolViolation()
    {
        var rig = new Rig();

        await rig.Client.SendAsync(Startup[..^3]);
        rig.Client.Close();

        var violation = await Assert.ThrowsAsync<ProtocolViolationException>(rig.ResultAsync);
        Assert.Equal(SqlState.ProtocolViolation, violation.SqlState);
    }

    private static byte[] OversizedHeader(int length)
    {
        var header = Wire.Untyped(StartupCodes.ProtocolVersion3);
        BinaryPrimitives.WriteInt32BigEndian(header, length);
        return header;
    }
}
