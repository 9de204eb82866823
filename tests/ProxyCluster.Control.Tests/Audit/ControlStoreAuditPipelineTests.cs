using ProxyCluster.Audit.Pipeline;
using ProxyCluster.Control.Audit;
using ProxyCluster.Control.Tests.Fixtures;

namespace ProxyCluster.Control.Tests.Audit;

/// <summary>The control store as an audit pipeline's sink, on the real server, while the store goes away and comes back.</summary>
public sealed class ControlStoreAuditPipelineTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly string _spillDirectory = Directory.CreateTempSubdirectory("proxycluster-audit-spill-").FullName;

    [Fact]
    public async Task Pipeline_StoreGoesAwayMidRun_SpillsAndDeliversEverythingInOrderWhenItReturns()
    {
        await using var db = await postgres.NewStoreAsync();
        await db.Store.MigrateAsync();
        var queries = new AuditQueries(db.Store);
        var pipeline = new AuditPipeline([new ControlStoreAuditSink(db.Store)], new AuditPipelineOptions
        {
            SpillDirectory = _spillDirectory,
            MaxBatchSize = 8,
            MaxBatchDelay = TimeSpan.FromMilliseconds(5),
            RetryInitialDelay = TimeSpan.FromMilliseconds(20),
            RetryMaxDelay = TimeSpan.FromMilliseconds(200),
            SinkTimeout = TimeSpan.FromSeconds(5),
        });
        await using (pipeline)
        {
            for (var n = 0; n < 20; n++)
            {
                Assert.True(pipeline.TryWrite(AuditRecords.Statement(n)));
            }

            await Eventually.TrueAsync(() => pipeline.GetWritten(ControlStoreAuditSink.SinkName) == 20, "the first 20 records are in the store");

            await using (var block = await StoreBlock.CloseAsync(db))
            {
                for (var n = 20; n < 50; n++)
                {
                    Assert.True(pipeline.TryWrite(n % 3 == 0 ? AuditRecords.Session(n) : AuditRecords.Statement(n)));
                }

                await Eventually.TrueAsync(() => pipeline.Spilled == 30, "the records written while the store is away are spilled");
                Assert.True(pipeline.Sinks[0].IsSpilling);
                Assert.Equal(20, pipeline.GetWritten(ControlStoreAuditSink.SinkName));
                await Assert.ThrowsAsync<ControlStoreUnavailableException>(() => queries.SearchAsync(new AuditSearch()));

                await block.OpenAsync();
                for (var n = 50; n < 60; n++)
                {
                    Assert.True(pipeline.TryWrite(AuditRecords.Statement(n)));
                }

                await Eventually.TrueAsync(
                    () => pipeline.GetWritten(ControlStoreAuditSink.SinkName) == 60 && !pipeline.Sinks[0].IsSpilling,
                    "the spilled records and the newer ones are delivered");
            }
        }

        var stored = await queries.SearchAsync(new AuditSearch { AfterId = 0, Limit = 1000 });
        Assert.Equal(
            Enumerable.Range(0, 60).Select(n => n % 3 == 0 && n is >= 20 and < 50 ? "2-" + n : "1-" + n),
            stored.Select(r => r.Record.SessionId));
        Assert.True(pipeline.Redelivered >= 30, $"redelivered {pipeline.Redelivered}");
        Assert.Equal(0, pipeline.Lost);
        Assert.Equal(0, pipeline.Dropped);
        Assert.False(File.Exists(Path.Combine(_spillDirectory, ControlStoreAuditSink.SinkName + ".spill.jsonl")));
    }

    public void Dispose() => Directory.Delete(_spillDirectory, recursive: true);
}
