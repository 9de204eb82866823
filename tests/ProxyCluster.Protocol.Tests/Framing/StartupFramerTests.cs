using System.Buffers;
using ProxyCluster.Protocol.Framing;
using ProxyCluster.Protocol.Frontend;

namespace ProxyCluster.Protocol.Tests.Framing;

public class StartupFramerTests
{
    // length 8, code 1234.5679
    private static readonly byte[] SslRequest = Segments.Hex("00000008 04D2162F");
    // length 8, code 1234.5680
    private static readonly byte[] GssEncRequest = Segments.Hex("00000008 04D21630");
    // length 16, code 1234.5678, pid 0x01020304, key 0x0A0B0C0D
    private static readonly byte[] CancelBytes = Segments.Hex("00000010 04D2162E 01020304 0A0B0C0D");

    // length 34, protocol 3.0, "user" "alice" "database" "shop" "" terminator
    private static readonly byte[] Startup = Segments.Hex(
        "00000022 00030000 7573657200 616C69636500 646174616261736500 73686F7000 00");

    [Fact]
    public void TryReadFrame_SslRequest_IsRecognised()
    {
        foreach (var sequence in Segments.AllSplits(SslRequest))
        {
            var buffer = sequence;
            Assert.Equal(FrameStatus.Complete, StartupFramer.TryReadFrame(ref buffer, StartupFramer.DefaultMaxStartupLength, out var frame));
            Assert.Equal(StartupRequestKind.SslRequest, frame.Kind);
        }
    }

    [Fact]
    public void TryReadFrame_GssEncRequest_IsRecognised()
    {
        var buffer = Segments.Of(GssEncRequest);
        Assert.Equal(FrameStatus.Complete, StartupFramer.TryReadFrame(ref buffer, StartupFramer.DefaultMaxStartupLength, out var frame));
        Assert.Equal(StartupRequestKind.GssEncRequest, frame.Kind);
    }

    [Fact]
    public void CancelRequest_TryRead_ReadsProcessIdAndKey()
    {
        foreach (var sequence in Segments.AllSplits(CancelBytes))
        {
            var buffer = sequence;
            Assert.Equal(FrameStatus.Complete, StartupFramer.TryReadFrame(ref buffer, StartupFramer.DefaultMaxStartupLength, out var frame));
            Assert.Equal(StartupRequestKind.CancelRequest, frame.Kind);
            Assert.True(CancelRequest.TryRead(frame, out var request));
            Assert.Equal(new CancelRequest(0x01020304, 0x0A0B0C0D), request);
        }
    }

    [Fact]
    public void StartupMessage_TryParse_ReadsParametersInOrder()
    {
        foreach (var sequence in Segments.AllSplits(Startup))
        {
            var buffer = sequence;
            Assert.Equal(FrameStatus.Complete, StartupFramer.TryReadFrame(ref buffer, StartupFramer.DefaultMaxStartupLength, out var frame));
            Assert.Equal(StartupRequestKind.Startup, frame.Kind);
            var message = StartupMessage.TryParse(frame, out var error);
            Assert.Null(error);
            Assert.NotNull(message);
            Assert.Equal("alice", message.User);
            Assert.Equal("shop", message.Database);
            Assert.Equal(["user", "database"], message.Parameters.Select(p => p.Key));
        }
    }

    [Fact]
    public void StartupMessage_WriteThenParse_RoundTripsGoldenBytes()
    {
        var bytes = Segments.Written(w => FrontendMessages.WriteStartupMessage(w, [new("user", "alice"), new("database", "shop")]));
        Assert.Equal(Startup, bytes);
    }

    [Fact]
    public void StartupMessage_WithoutDatabase_DefaultsToUser()
    {
        var bytes = Segments.Written(w => FrontendMessages.WriteStartupMessage(w, [new("user", "alice")]));
        var buffer = Segments.Of(bytes);
        StartupFramer.TryReadFrame(ref buffer, StartupFramer.DefaultMaxStartupLength, out var frame);
        Assert.Equal("alice", StartupMessage.TryParse(frame, out _)!.Database);
    }

    [Fact]
    public void StartupMessage_WithoutUser_IsRefused()
    {
        var bytes = Segments.Written(w => FrontendMessages.WriteStartupMessage(w, [new("database", "shop")]));
        var buffer = Segments.Of(bytes);
        StartupFramer.TryReadFrame(ref buffer, StartupFramer.DefaultMaxStartupLength, out var frame);
        Assert.Null(StartupMessage.TryParse(frame, out var error));
        Assert.Contains("user name", error, StringComparison.Ordinal);
    }

    [Fact]
    public void StartupMessage_MissingTerminator_IsRefused()
    {
        // length 17, protocol 3.0, "user" NUL "al" — value never terminated
        var buffer = Segments.Of(Segments.Hex("00000011 00030000 7573657200 616C"));
        Assert.Equal(FrameStatus.NeedMore, StartupFramer.TryReadFrame(ref buffer, StartupFramer.DefaultMaxStartupLength, out _));
        buffer = Segments.Of(Segments.Hex("0000000F 00030000 7573657200 616C"));
        Assert.Equal(FrameStatus.Complete, StartupFramer.TryReadFrame(ref buffer, StartupFramer.DefaultMaxStartupLength, out var frame));
        Assert.Null(StartupMessage.TryParse(frame, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void StartupMessage_DuplicateParameter_IsRefused()
    {
        var bytes = Segments.Written(w => FrontendMessages.WriteStartupMessage(w, [new("user", "a"), new("user", "b")]));
        var buffer = Segments.Of(bytes);
        StartupFramer.TryReadFrame(ref buffer, StartupFramer.DefaultMaxStartupLength, out var frame);
        Assert.Null(StartupMessage.TryParse(frame, out var error));
        Assert.Contains("duplicate", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadFrame_OversizedStartup_IsInvalidFromHeaderAlone()
    {
        var buffer = Segments.Of(Segments.Hex("00002711 00030000"));
        Assert.Equal(FrameStatus.Invalid, StartupFramer.TryReadFrame(ref buffer, StartupFramer.DefaultMaxStartupLength, out _));
    }

    [Fact]
    public void TryReadFrame_UnknownCode_IsUnsupported()
    {
        var buffer = Segments.Of(Segments.Hex("00000008 00020000"));
        Assert.Equal(FrameStatus.Complete, StartupFramer.TryReadFrame(ref buffer, StartupFramer.DefaultMaxStartupLength, out var frame));
        Assert.Equal(StartupRequestKind.Unsupported, frame.Kind);
    }

    [Fact]
    public void CancelRequest_Write_ProducesGoldenBytes()
    {
        Assert.Equal(CancelBytes, Segments.Written(w => FrontendMessages.WriteCancelRequest(w, new CancelRequest(0x01020304, 0x0A0B0C0D))));
        Assert.Equal(SslRequest, Segments.Written(FrontendMessages.WriteSslRequest));
    }
}
