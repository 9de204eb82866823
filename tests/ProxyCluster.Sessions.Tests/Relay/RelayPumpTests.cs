using System.Text;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Frontend;
using ProxyCluster.Sessions.Relay;
using ProxyCluster.Sessions.Tests.Support;

namespace ProxyCluster.Sessions.Tests.Relay;

public class RelayPumpTests
{
    private static readonly byte[] SelectOne = Wire.Written(w => FrontendMessages.WriteQuery(w, "SELECT 1"));
    private static readonly byte[] Sync = Wire.Message('S', []);
    private static readonly byte[] Bind = Wire.Message('B', 23);
    private static readonly byte[] Terminate = Wire.Written(FrontendMessages.WriteTerminate);

    /// <summary>Pass-through and inspected messages interleaved, the way a pipelining client sends them.</summary>
    private static readonly byte[][] ConversationMessages = [SelectOne, Sync, Bind, SelectOne, Sync];

    private static readonly byte[] Conversation = [.. ConversationMessages.SelectMany(message => message)];

    [Fact]
    public async Task RunAsync_SplitAtEveryByte_ArrivesUnchangedAndInOrder()
    {
        for (var cut = 0; cut <= Conversation.Length; cut++)
        {
            var inspector = new RecordingInspector('Q');
            var rig = new PumpRig(inspector);

            await rig.WriteAsync(Conversation[..cut]);
            var early = rig.TakeForwarded();
            await rig.WriteAsync(Conversation[cut..]);

            Assert.Equal(RelayOutcome.SourceClosed, await rig.CloseSourceAsync());
            var late = await rig.DrainDestinationAsync();
            Assert.Equal(Conversation, early.Concat(late).ToArray());
            Assert.Equal([SelectOne, SelectOne], inspector.Inspected);
            Assert.Equal(Conversation.Length, rig.Pump.BytesForwarded);

            // Before the rest arrived, everything up to the cut was forwarded except an inspected message or a
            // header cut in two: pass-through bytes are not held back.
            Assert.True(ForwardableBefore(cut) == early.Length, $"cut at {cut}: {early.Length} bytes forwarded early, expected {ForwardableBefore(cut)}");
        }
    }

    /// <summary>How much of <see cref="Conversation"/> a streaming pump can forward when only its first <paramref name="cut"/> bytes arrived.</summary>
    private static int ForwardableBefore(int cut)
    {
        var start = 0;
        foreach (var message in ConversationMessages)
        {
            var end = start + message.Length;
            if (cut < end)
            {
                var wholeOnly = message[0] == (byte)'Q';
                return cut == start || wholeOnly || cut - start < 5 ? start : cut;
            }

            start = end;
        }

        return cut;
    }

    [Fact]
    public async Task RunAsync_PeekedMessage_SplitAtEveryByte_ShowsItsStartOnceBeforeAnyOfItIsForwarded()
    {
        for (var cut = 0; cut <= Conversation.Length; cut++)
        {
            var inspector = new RecordingInspector('Q');
            inspector.PeekLengths['B'] = 10; // Bind is 1 + 4 + 23 bytes: only its first 10 are shown
            var rig = new PumpRig(inspector);

            await rig.WriteAsync(Conversation[..cut]);
            var early = rig.TakeForwarded();
            var bindStart = SelectOne.Length + Sync.Length;
            Assert.True(inspector.Peeked.Count == 1 || early.Length <= bindStart, $"cut {cut}: Bind bytes were forwarded before the inspector saw its start");
            await rig.WriteAsync(Conversation[cut..]);

            Assert.Equal(RelayOutcome.SourceClosed, await rig.CloseSourceAsync());
            var late = await rig.DrainDestinationAsync();
            Assert.Equal(Conversation, early.Concat(late).ToArray());
            Assert.Equal([Bind[..10]], inspector.Peeked);
        }
    }

    [Fact]
    public async Task RunAsync_OneBytePerRead_ArrivesUnchangedAndInOrder()
    {
        var inspector = new RecordingInspector('Q');
        var rig = new PumpRig(inspector);

        foreach (var b in Conversation)
        {
            await rig.WriteAsync([b]);
        }

        Assert.Equal(RelayOutcome.SourceClosed, await rig.CloseSourceAsync());
        Assert.Equal(Conversation, await rig.DrainDestinationAsync());
        Assert.Equal([SelectOne, SelectOne], inspector.Inspected);
    }

    [Fact]
    public async Task RunAsync_ManyMessagesInOneRead_ArriveUnchangedAndInOrder()
    {
        var inspector = new RecordingInspector('Q');
        var rig = new PumpRig(inspector);
        var queries = new List<byte[]>();
        var batch = new List<byte>();
        for (var i = 0; i < 300; i++)
        {
            var query = Wire.Written(w => FrontendMessages.WriteQuery(w, $"SELECT {i}"));
            queries.Add(query);
            batch.AddRange(query);
            batch.AddRange(Wire.Message('d', i % 50));
        }

        await rig.WriteAsync([.. batch]);

        Assert.Equal(RelayOutcome.SourceClosed, await rig.CloseSourceAsync());
        Assert.Equal(batch, await rig.DrainDestinationAsync());
        Assert.Equal(queries, inspector.Inspected);
    }

    [Fact]
    public async Task RunAsync_PassThroughMessageLargerThanSegment_StreamsBeforeItIsComplete()
    {
        // 200 kB: fifty 4 kB pipe segments, and three times the pipe's default back-pressure threshold.
        var copyData = Wire.Message('d', 200_000);
        var rig = new PumpRig(new RecordingInspector('Q'), options: DuplexPipe.ThreadPool);
        var head = copyData[..10_000];

        await rig.WriteAsync(head);
        var destination = new Peer(rig.Destination.Reader, rig.Destination.Writer);
        Assert.Equal(head, await destination.ReadBytesAsync(head.Length));
        Assert.False(rig.Outcome.IsCompleted);

        var rest = PumpRig.ReadToEndAsync(rig.Destination.Reader);
        await rig.WriteAsync(copyData[head.Length..]);
        Assert.Equal(RelayOutcome.SourceClosed, await rig.CloseSourceAsync());
        await rig.Destination.Writer.CompleteAsync();
        Assert.Equal(copyData[head.Length..], await rest.WaitAsync(Wire.Timeout));
    }

    [Fact]
    public async Task RunAsync_InspectedMessage_IsHandedOverWholeAndForwardedOnlyThen()
    {
        var inspector = new RecordingInspector('Q');
        var rig = new PumpRig(inspector);
        var query = Wire.Written(w => FrontendMessages.WriteQuery(w, "SELECT * FROM orders WHERE id = 42"));

        for (var i = 0; i < query.Length - 1; i++)
        {
            await rig.WriteAsync([query[i]]);
            Assert.Empty(rig.TakeForwarded());
            Assert.Empty(inspector.Inspected);
        }

        await rig.WriteAsync([query[^1]]);

        Assert.Equal([query], inspector.Inspected);
        Assert.Equal(query, rig.TakeForwarded());
        Assert.Equal(RelayOutcome.SourceClosed, await rig.CloseSourceAsync());
    }

    [Fact]
    public async Task RunAsync_InspectorHandlesMessage_ItsReplacementGoesOnInstead()
    {
        var replacement = Wire.Written(w => FrontendMessages.WriteQuery(w, "SELECT 'replaced'"));
        var inspector = new RecordingInspector('Q')
        {
            Dispositions = { ['Q'] = FrameDisposition.Handled },
            Replacements = { ['Q'] = replacement },
        };
        var rig = new PumpRig(inspector);

        await rig.WriteAsync([.. Sync, .. SelectOne, .. Sync]);

        Assert.Equal(RelayOutcome.SourceClosed, await rig.CloseSourceAsync());
        byte[] expected = [.. Sync, .. replacement, .. Sync];
        Assert.Equal(expected, await rig.DrainDestinationAsync());
    }

    [Theory]
    [InlineData(FrameDisposition.Forward)]
    [InlineData(FrameDisposition.Handled)]
    public async Task RunAsync_DeferredMessage_LaterMessagesWaitForTheDecision(FrameDisposition decision)
    {
        var replacement = Wire.Written(w => FrontendMessages.WriteQuery(w, "SELECT 'replaced'"));
        var inspector = new RecordingInspector('Q')
        {
            Dispositions = { ['Q'] = FrameDisposition.Deferred },
            Replacements = { ['Q'] = replacement },
        };
        var rig = new PumpRig(inspector);
        var destination = new Peer(rig.Destination.Reader, rig.Destination.Writer);

        await rig.WriteAsync([.. Bind, .. SelectOne, .. Sync]);

        Assert.Equal([SelectOne], inspector.InspectedLater);
        Assert.False(rig.Destination.Reader.TryRead(out _), "nothing after the deferred message may be forwarded before its decision");
        inspector.DeferredDecision.SetResult(decision);

        byte[] expected = [.. Bind, .. decision == FrameDisposition.Forward ? SelectOne : replacement, .. Sync];
        Assert.Equal(expected, await destination.ReadBytesAsync(expected.Length));
        Assert.Equal(RelayOutcome.SourceClosed, await rig.CloseSourceAsync());
        Assert.Empty(await rig.DrainDestinationAsync());
    }

    [Fact]
    public async Task RunAsync_OversizedInspectedMessage_IsReplacedAndItsBytesDiscardedAsTheyArrive()
    {
        var replacement = Wire.Written(w => FrontendMessages.WriteQuery(w, "SELECT 'too long'"));
        var inspector = new RecordingInspector('Q') { MaxWholeMessageLength = 100, Replacements = { ['Q'] = replacement } };
        var rig = new PumpRig(inspector);
        var longQuery = Wire.Written(w => FrontendMessages.WriteQuery(w, "SELECT " + new string('x', 500)));

        await rig.WriteAsync(longQuery[..50]);
        Assert.Equal(replacement, rig.TakeForwarded());
        Assert.True(rig.Pump.IsAtMessageBoundary);

        await rig.WriteAsync([.. longQuery[50..], .. Sync]);

        Assert.Equal(RelayOutcome.SourceClosed, await rig.CloseSourceAsync());
        Assert.Equal(Sync, await rig.DrainDestinationAsync());
        Assert.Equal([(byte)'Q'], inspector.Oversized);
        Assert.Empty(inspector.Inspected);
    }

    [Fact]
    public async Task RunAsync_Terminate_ForwardsItAndStopsBeforeWhatFollows()
    {
        var inspector = new FrontendInspector(gate: null, new DenialMarkers(), maxInspectedMessageLength: 1024);
        var rig = new PumpRig(inspector);

        await rig.WriteAsync([.. SelectOne, .. Terminate, .. Sync]);

        Assert.Equal(RelayOutcome.Stopped, await rig.Outcome.WaitAsync(Wire.Timeout));
        Assert.Equal([.. SelectOne, .. Terminate], rig.TakeForwarded());
        await rig.Source.Writer.CompleteAsync();
        Assert.Equal(Sync, await PumpRig.ReadToEndAsync(rig.Source.Reader)); // left unconsumed for whoever reads next
    }

    [Theory]
    [InlineData(3)]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    [InlineData(1001)]
    [InlineData(int.MaxValue)]
    public async Task RunAsync_InvalidLength_ThrowsProtocolViolationBeforeTheBody(int length)
    {
        var rig = new PumpRig(new RecordingInspector('Q'), maxMessageLength: 1000);

        // Only the header: an impossible length must not wait for a body that may never come.
        await rig.WriteAsync([.. Sync, .. Wire.Header('d', length)]);

        var violation = await Assert.ThrowsAsync<ProtocolViolationException>(() => rig.Outcome.WaitAsync(Wire.Timeout));
        Assert.Equal(SqlState.ProtocolViolation, violation.SqlState);
    }

    [Fact]
    public async Task RunAsync_LengthAtTheLimit_IsRelayed()
    {
        var rig = new PumpRig(new RecordingInspector('Q'), maxMessageLength: 1000);
        var largest = Wire.Message('d', 1000 - 4);

        await rig.WriteAsync(largest);

        Assert.Equal(RelayOutcome.SourceClosed, await rig.CloseSourceAsync());
        Assert.Equal(largest, await rig.DrainDestinationAsync());
    }

    [Fact]
    public async Task Stop_WhileWaitingForTheSource_RunAsyncReturnsCanceled()
    {
        var rig = new PumpRig(new RecordingInspector('Q'));
        await rig.WriteAsync(Sync);
        Assert.False(rig.Outcome.IsCompleted);

        rig.Pump.Stop();

        Assert.Equal(RelayOutcome.Canceled, await rig.Outcome.WaitAsync(Wire.Timeout));
    }

    [Fact]
    public async Task Stop_InTheMiddleOfAPassThroughMessage_IsNotAtMessageBoundary()
    {
        var rig = new PumpRig(new RecordingInspector('Q'));
        var dataRow = Wire.Message('D', 1_000);
        await rig.WriteAsync(dataRow[..300]);
        Assert.Equal(dataRow[..300], rig.TakeForwarded());

        rig.Pump.Stop();

        Assert.Equal(RelayOutcome.Canceled, await rig.Outcome.WaitAsync(Wire.Timeout));
        Assert.False(rig.Pump.IsAtMessageBoundary);
    }

    [Fact]
    public async Task Stop_BetweenMessages_IsAtMessageBoundary()
    {
        var rig = new PumpRig(new RecordingInspector('Q'));
        var dataRow = Wire.Message('D', 1_000);
        await rig.WriteAsync([.. dataRow, .. Wire.Header('D', 100)[..3]]); // a whole message, then a partial header
        Assert.Equal(dataRow, rig.TakeForwarded());

        rig.Pump.Stop();

        Assert.Equal(RelayOutcome.Canceled, await rig.Outcome.WaitAsync(Wire.Timeout));
        Assert.True(rig.Pump.IsAtMessageBoundary);
    }

    public static TheoryData<string, byte[]> Truncated => new()
    {
        { "partial header", Wire.Header('D', 100)[..3] },
        { "partial pass-through body", Wire.Message('D', 100)[..50] },
        { "partial inspected message", SelectOne[..^1] },
    };

    [Theory]
    [MemberData(nameof(Truncated))]
    public async Task RunAsync_SourceClosesMidMessage_SourceClosedMidMessage(string what, byte[] tail)
    {
        var rig = new PumpRig(new RecordingInspector('Q'));
        await rig.WriteAsync([.. Sync, .. tail]);

        Assert.True(RelayOutcome.SourceClosedMidMessage == await rig.CloseSourceAsync(), what);
    }

    [Fact]
    public async Task RunAsync_SourceClosesBetweenMessages_SourceClosed()
    {
        var rig = new PumpRig(new RecordingInspector('Q'));
        await rig.WriteAsync([.. Sync, .. SelectOne]);

        Assert.Equal(RelayOutcome.SourceClosed, await rig.CloseSourceAsync());
        Assert.Equal(Encoding.ASCII.GetBytes("SELECT 1\0"), (await rig.DrainDestinationAsync())[(Sync.Length + 5)..]);
    }

    [Fact]
    public async Task RunAsync_DestinationStopsReading_DestinationClosed()
    {
        var rig = new PumpRig(new RecordingInspector('Q'));
        await rig.Destination.Reader.CompleteAsync();

        await rig.WriteAsync(Sync);

        Assert.Equal(RelayOutcome.DestinationClosed, await rig.Outcome.WaitAsync(Wire.Timeout));
    }
}
