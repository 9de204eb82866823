using System.Text;
using ProxyCluster.Protocol.Framing;
using ProxyCluster.Protocol.Frontend;

namespace ProxyCluster.Protocol.Tests.Frontend;

public class FrontendMessagesTests
{
    [Fact]
    public void WritePasswordMessage_RoundTrips()
    {
        var bytes = Segments.Written(w => FrontendMessages.WritePasswordMessage(w, "pw"));
        Assert.Equal(Segments.Hex("70 00000007 707700"), bytes);
        foreach (var sequence in Segments.AllSplits(bytes))
        {
            var buffer = sequence;
            MessageFramer.TryReadFrame(ref buffer, 1024, out var frame);
            Assert.True(FrontendReaders.TryReadPassword(frame.Body, out var password));
            Assert.Equal("pw", password);
        }
    }

    [Fact]
    public void WriteSaslInitialResponse_RoundTrips()
    {
        var data = "n,,n=,r=abc"u8.ToArray();
        var bytes = Segments.Written(w => FrontendMessages.WriteSaslInitialResponse(w, "SCRAM-SHA-256", data));
        // 'p', length 4 + 14 + 4 + 11 = 33
        Assert.Equal([.. Segments.Hex("70 00000021 534352414D2D5348412D32353600 0000000B"), .. data], bytes);
        foreach (var sequence in Segments.AllSplits(bytes))
        {
            var buffer = sequence;
            MessageFramer.TryReadFrame(ref buffer, 1024, out var frame);
            Assert.True(FrontendReaders.TryReadSaslInitialResponse(frame.Body, out var mechanism, out var read));
            Assert.Equal("SCRAM-SHA-256", mechanism);
            Assert.Equal(data, read);
        }
    }

    [Fact]
    public void TryReadSaslInitialResponse_LengthMismatch_Fails()
    {
        // mechanism "M", declared 5 bytes of data, 2 present
        var body = new System.Buffers.ReadOnlySequence<byte>(Segments.Hex("4D00 00000005 6162"));
        Assert.False(FrontendReaders.TryReadSaslInitialResponse(body, out _, out _));
    }

    [Fact]
    public void WriteQuery_ThenTryReadQuery_RoundTripsUnicode()
    {
        var bytes = Segments.Written(w => FrontendMessages.WriteQuery(w, "SELECT 'ünï'"));
        var buffer = Segments.Of(bytes);
        MessageFramer.TryReadFrame(ref buffer, 1024, out var frame);
        Assert.True(FrontendReaders.TryReadQuery(frame.Body, out var sql));
        Assert.Equal("SELECT 'ünï'", sql);
    }

    [Fact]
    public void WriteParse_ProducesGoldenBytes_AndReadsBack()
    {
        // 'P', length 4 + "s1\0"(3) + "SELECT 1\0"(9) + Int16 0 (2) = 18
        var bytes = Segments.Written(w => FrontendMessages.WriteParse(w, "s1", "SELECT 1"));
        Assert.Equal(Segments.Hex("50 00000012 733100 53454C454354203100 0000"), bytes);
        var buffer = Segments.Of(bytes);
        MessageFramer.TryReadFrame(ref buffer, 1024, out var frame);
        Assert.True(FrontendReaders.TryReadParse(frame.Body, out var name, out var sql));
        Assert.Equal(("s1", "SELECT 1"), (name, sql));
    }

    [Fact]
    public void TryReadQuery_InvalidUtf8_IsRefused()
    {
        // 'Q' body "SELECT \xC3\x28" NUL: an invalid two-byte sequence
        var body = new System.Buffers.ReadOnlySequence<byte>([.. Encoding.ASCII.GetBytes("SELECT "), 0xC3, 0x28, 0]);
        Assert.False(FrontendReaders.TryReadQuery(body, out _));
    }

    [Fact]
    public void TryReadQuery_NulInsideText_IsRefused()
    {
        var body = new System.Buffers.ReadOnlySequence<byte>(Segments.Hex("5345 00 4C 00"));
        Assert.False(FrontendReaders.TryReadQuery(body, out _));
    }

    [Fact]
    public void TryReadParse_ReadsNameAndSql()
    {
        // 'P' body: "s1" NUL "SELECT $1" NUL, Int16 1 param type, Int32 23 (int4)
        var body = new System.Buffers.ReadOnlySequence<byte>(Segments.Hex("733100 53454C454354202431 00 0001 00000017"));
        Assert.True(FrontendReaders.TryReadParse(body, out var name, out var sql));
        Assert.Equal(("s1", "SELECT $1"), (name, sql));
    }

    [Fact]
    public void WriteTerminate_ProducesGoldenBytes() =>
        Assert.Equal(Segments.Hex("58 00000004"), Segments.Written(FrontendMessages.WriteTerminate));
}
