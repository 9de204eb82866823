using System.Diagnostics;
using System.Text;
using ProxyCluster.Audit.Pipeline;
using ProxyCluster.Audit.Tests.Support;

namespace ProxyCluster.Audit.Tests.Pipeline;

public sealed class AuditPipelineTests : IDisposable
{
    private readonly TempDirectory _spill = new();

    [Fact]
    public async Task TryWrite_HealthySink_DeliversEveryRecordInOrder()
    {
        var sink = new ScriptedSink("file");
        await using var pipeline = new AuditPipeline([sink], Options());

        for (var i = 0; i < 1000; i++)
        {
            Assert.True(pipeline.TryWrite(Records.Statement(i)));
        }

        await Eventually.TrueAsync(() => sink.Count == 1000, "the sink has every record");
        Assert.Equal(Records.Range(0, 1000), Records.Sequences(sink.Received));
        Assert.Equal(1000, pipeline.Enqueued);
        Assert.Equal(1000, pipeline.GetWritten("file"));
        Assert.Equal(0, pipeline.Spilled);
        Assert.Equal(0, pipeline.Dropped);
        Assert.InRange(sink.Calls, 2, 1000);
    }

    [Fact]
    public async Task FailingSink_SpillsThenRedeliversInOrderBeforeNewerRecords()
    {
        var sink = new ScriptedSink("control", failures: 3);
        await using var pipeline = new AuditPipeline([sink], Options() with { MaxBatchSize = 4 });

        for (var i = 0; i < 10; i++)
        {
            pipeline.TryWrite(Records.Statement(i));
        }

        await Eventually.TrueAsync(() => pipeline.Spilled > 0, "the first batch is spilled");
        for (var i = 10; i < 20; i++)
        {
            pipeline.TryWrite(Records.Statement(i));
        }

        await Eventually.TrueAsync(() => sink.Count == 20 && !pipeline.Sinks[0].IsSpilling, "the sink has caught up");
        Assert.Equal(Records.Range(0, 20), Records.Sequences(sink.Received));
        Assert.Equal(pipeline.Spilled, pipeline.Redelivered);
        Assert.Equal(20, pipeline.GetWritten("control"));
        Assert.Equal(0, pipeline.Lost);
        Assert.False(File.Exists(SpillPath("control")));
    }

    [Fact]
    public async Task FailingSink_DoesNotHoldUpTheOthers()
    {
        var down = new ScriptedSink("control");
        down.FailForever();
        var up = new ScriptedSink("file");
        await using var pipeline = new AuditPipeline([down, up], Options());

        for (var i = 0; i < 50; i++)
        {
            pipeline.TryWrite(Records.Statement(i));
        }

        await Eventually.TrueAsync(() => up.Count == 50 && pipeline.Sinks[0].Spilled == 50, "one sink has everything, the other's spill file too");
        Assert.Equal(Records.Range(0, 50), Records.Sequences(up.Received));
        Assert.True(pipeline.Sinks[0].IsSpilling);
        Assert.Equal(Records.Range(0, 50), Records.Sequences(await ReadSpillAsync("control")));
    }

    [Fact]
    public async Task SpillFile_SurvivesARestart_AndIsRedeliveredBeforeNewRecords()
    {
        var down = new ScriptedSink("control");
        down.FailForever();
        await using (var first = new AuditPipeline([down], Options()))
        {
            for (var i = 0; i < 10; i++)
            {
                first.TryWrite(Records.Statement(i));
            }

            await Eventually.TrueAsync(() => first.Spilled == 10, "every record is spilled");
        }

        Assert.Equal(Records.Range(0, 10), Records.Sequences(await ReadSpillAsync("control")));

        var back = new ScriptedSink("control");
        await using var second = new AuditPipeline([back], Options());
        for (var i = 10; i < 15; i++)
        {
            second.TryWrite(Records.Statement(i));
        }

        await Eventually.TrueAsync(() => back.Count == 15 && !second.Sinks[0].IsSpilling, "the restarted pipeline has delivered both");
        Assert.Equal(Records.Range(0, 15), Records.Sequences(back.Received));
        Assert.Equal(10, second.Redelivered);
        Assert.False(File.Exists(SpillPath("control")));
    }

    [Fact]
    public async Task TryWrite_QueueFull_ReturnsFalseAtOnceAndCountsDropped()
    {
        var sink = new ScriptedSink("slow") { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var pipeline = new AuditPipeline([sink], Options() with { Capacity = 4, MaxBatchSize = 1 });

        pipeline.TryWrite(Records.Statement(0));
        await Eventually.TrueAsync(() => sink.Calls == 1, "the loop is stuck in the sink with the first record");

        var accepted = new List<int>();
        var clock = Stopwatch.StartNew();
        for (var i = 1; i <= 100; i++)
        {
            if (pipeline.TryWrite(Records.Statement(i)))
            {
                accepted.Add(i);
            }
        }

        clock.Stop();

        Assert.Equal([1, 2, 3, 4], accepted);
        Assert.Equal(96, pipeline.Dropped);
        Assert.Equal(4, pipeline.QueueDepth);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"100 refused writes took {clock.Elapsed}");

        sink.Gate.SetResult();
        await Eventually.TrueAsync(() => sink.Count == 5, "the queued records arrive once the sink moves");
        Assert.Equal([0, 1, 2, 3, 4], Records.Sequences(sink.Received));
        Assert.Equal(5, pipeline.Enqueued);
    }

    [Fact]
    public async Task TryWrite_QueueFull_LogsHowManyWereDropped()
    {
        var logger = new CapturingLogger<AuditPipeline>();
        var sink = new ScriptedSink("slow") { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var pipeline = new AuditPipeline([sink], Options() with { Capacity = 2, MaxBatchSize = 1 }, logger);
        pipeline.TryWrite(Records.Statement(0));
        await Eventually.TrueAsync(() => sink.Calls == 1, "the loop is stuck in the sink");

        for (var i = 1; i <= 10; i++)
        {
            pipeline.TryWrite(Records.Statement(i));
        }

        // The loop reports, not TryWrite: a logger may block, and the relay must not.
        sink.Gate.SetResult();
        await Eventually.TrueAsync(() => logger.Entries.Any(entry => entry.EventId == 603), "the drop is logged");

        var report = Assert.Single(logger.Entries, entry => entry.EventId == 603);
        Assert.Equal(8L, report.Values["Count"]);
        Assert.Equal(8L, report.Values["Total"]);
    }

    [Fact]
    public async Task TryWrite_AcceptedOrRefused_AllocatesNothing()
    {
        var sink = new ScriptedSink("slow") { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var pipeline = new AuditPipeline([sink], Options() with { Capacity = 2048, MaxBatchSize = 1 });
        var records = Enumerable.Range(0, 3000).Select(Records.Statement).ToArray();
        pipeline.TryWrite(records[0]);
        await Eventually.TrueAsync(() => sink.Calls == 1, "the loop is stuck in the sink");

        // Grow the queue's ring buffer to its final size first (it doubles up to 2048).
        for (var i = 1; i < 1100; i++)
        {
            pipeline.TryWrite(records[i]);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 1100; i < 3000; i++)
        {
            pipeline.TryWrite(records[i]);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        sink.Gate.SetResult();

        Assert.Equal(0, allocated);
        Assert.Equal(2049, pipeline.Enqueued);
        Assert.Equal(951, pipeline.Dropped);
    }

    [Fact]
    public async Task TryWrite_AfterDispose_ReturnsFalseAndCountsDropped()
    {
        var pipeline = new AuditPipeline([new ScriptedSink("file")], Options());
        await pipeline.DisposeAsync();

        Assert.False(pipeline.TryWrite(Records.Statement(0)));
        Assert.Equal(1, pipeline.Dropped);
    }

    [Fact]
    public async Task DisposeAsync_DeliversEverythingQueued()
    {
        var sink = new ScriptedSink("file");
        var pipeline = new AuditPipeline([sink], Options());
        for (var i = 0; i < 5000; i++)
        {
            pipeline.TryWrite(Records.Statement(i));
        }

        await pipeline.DisposeAsync();

        Assert.Equal(Records.Range(0, 5000), Records.Sequences(sink.Received));
        Assert.Equal(0, pipeline.QueueDepth);
        Assert.Equal(0, pipeline.Spilled);
    }

    [Fact]
    public async Task DisposeAsync_SinkHangs_SpillsTheRestWhenTheDrainTimeoutPasses()
    {
        var sink = new ScriptedSink("control") { Hang = true };
        var pipeline = new AuditPipeline([sink], Options() with { DrainTimeout = TimeSpan.FromMilliseconds(200), MaxBatchSize = 3 });
        for (var i = 0; i < 10; i++)
        {
            pipeline.TryWrite(Records.Statement(i));
        }

        await pipeline.DisposeAsync().AsTask().WaitAsync(Eventually.Deadline);

        Assert.Equal(10, pipeline.Spilled);
        Assert.Equal(Records.Range(0, 10), Records.Sequences(await ReadSpillAsync("control")));
        Assert.Empty(sink.Received);
    }

    [Fact]
    public async Task SinkIgnoringCancellation_CountsAsFailedAfterTheSinkTimeout()
    {
        var sink = new ScriptedSink("stuck") { Gate = new TaskCompletionSource(), IgnoresCancellation = true };
        var gate = sink.Gate;
        await using var pipeline = new AuditPipeline([sink], Options() with { SinkTimeout = TimeSpan.FromMilliseconds(100) });

        pipeline.TryWrite(Records.Statement(0));
        await Eventually.TrueAsync(() => pipeline.Spilled == 1, "the hung batch is spilled");
        sink.Gate = null;
        gate.SetResult();

        await Eventually.TrueAsync(() => !pipeline.Sinks[0].IsSpilling, "the sink is healthy again");

        // The abandoned call finished late with its batch intact (the loop did not reuse that list), and the
        // redelivery came on top: at least once, never garbled.
        Assert.True(sink.Count >= 2, $"{sink.Count} deliveries");
        Assert.All(sink.Received, record => Assert.Equal(0, Records.SequenceOf(record)));
    }

    [Fact]
    public void Constructor_TwoSinksWithOneSpillFile_Throws()
    {
        Assert.Throws<ArgumentException>(() => new AuditPipeline([new ScriptedSink("a/b"), new ScriptedSink("a_b")], Options()));
    }

    public void Dispose() => _spill.Dispose();

    private AuditPipelineOptions Options() => new()
    {
        SpillDirectory = _spill.Path,
        MaxBatchDelay = TimeSpan.FromMilliseconds(5),
        RetryInitialDelay = TimeSpan.FromMilliseconds(10),
        RetryMaxDelay = TimeSpan.FromMilliseconds(40),
    };

    private string SpillPath(string sink) => Path.Combine(_spill.Path, SpillFile.FileNameFor(sink));

    private async Task<AuditRecord[]> ReadSpillAsync(string sink)
    {
        var lines = await File.ReadAllLinesAsync(SpillPath(sink));
        return lines.Select(line => AuditJson.ReadLine(Encoding.UTF8.GetBytes(line))).ToArray();
    }
}
