using System.Buffers;
using ProxyCluster.Protocol.Framing;
using ProxyCluster.Protocol.Frontend;

namespace ProxyCluster.Protocol.Tests.Framing;

public class MessageFramerTests
{
    // 'Q', length 13 (4 + "SELECT 1" + NUL), "SELECT 1", NUL
    private static readonly byte[] SelectOne = Segments.Hex("51 0000000D 53454C4543542031 00");
    // 'S' Sync, length 4, no body
    private static readonly byte[] Sync = Segments.Hex("53 00000004");

    [Fact]
    public void TryReadFrame_WholeQuery_ReturnsFrameWithCodeAndBody()
    {
        foreach (var sequence in Segments.AllSplits(SelectOne))
        {
            var buffer = sequence;
            Assert.Equal(FrameStatus.Complete, MessageFramer.TryReadFrame(ref buffer, 1 << 20, out var frame));
            Assert.Equal((byte)FrontendCode.Query, frame.Code);
            Assert.Equal(SelectOne, frame.Message.ToArray());
            Assert.True(FrontendReaders.TryReadQuery(frame.Body, out var sql));
            Assert.Equal("SELECT 1", sql);
            Assert.True(buffer.IsEmpty);
        }
    }

    [Fact]
    public void TryReadFrame_EveryPrefix_NeedsMoreAndConsumesNothing()
    {
        for (var length = 0; length < SelectOne.Length; length++)
        {
            var buffer = Segments.Of(SelectOne[..length]);
            Assert.Equal(FrameStatus.NeedMore, MessageFramer.TryReadFrame(ref buffer, 1 << 20, out _));
            Assert.Equal(length, buffer.Length);
        }
    }

    [Fact]
    public void TryReadFrame_ManyMessagesInOneRead_ReadsEachInOrder()
    {
        byte[] pipeline = [.. SelectOne, .. Sync, .. SelectOne];
        foreach (var sequence in Segments.AllSplits(pipeline))
        {
            var buffer = sequence;
            var codes = new List<byte>();
            while (MessageFramer.TryReadFrame(ref buffer, 1 << 20, out var frame) == FrameStatus.Complete)
            {
                codes.Add(frame.Code);
            }

            Assert.Equal([(byte)'Q', (byte)'S', (byte)'Q'], codes);
            Assert.True(buffer.IsEmpty);
        }
    }

    [Fact]
    public void TryReadFrame_LengthAboveLimit_IsInvalidBeforeBodyArrives()
    {
        // Only the header of a 1 GiB message: refused without waiting for the body.
        var buffer = Segments.Of(Segments.Hex("51 40000000"));
        Assert.Equal(FrameStatus.Invalid, MessageFramer.TryReadFrame(ref buffer, 1 << 20, out _));
    }

    [Theory]
    [InlineData("51 00000003")]
    [InlineData("51 00000000")]
    [InlineData("51 FFFFFFFF")]
    public void TryReadFrame_LengthBelowItsOwnSize_IsInvalid(string header)
    {
        var buffer = Segments.Of(Segments.Hex(header));
        Assert.Equal(FrameStatus.Invalid, MessageFramer.TryReadFrame(ref buffer, 1 << 20, out _));
    }

    [Fact]
    public void TryReadFrame_ExactlyAtLimit_IsComplete()
    {
        var buffer = Segments.Of(SelectOne);
        Assert.Equal(FrameStatus.Complete, MessageFramer.TryReadFrame(ref buffer, 13, out _));
        buffer = Segments.Of(SelectOne);
        Assert.Equal(FrameStatus.Invalid, MessageFramer.TryReadFrame(ref buffer, 12, out _));
    }
}
