using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ProxyCluster.Audit.Pipeline;

/// <summary>
/// Takes audit records from sessions without ever making them wait, and delivers them in batches to every sink.
/// A sink that fails gets its batches spilled to an fsync'd file and redelivered, in order and before anything newer,
/// once it works again — also after a restart. A record the queue has no room for is refused and counted in
/// <see cref="Dropped"/> (and logged, at most once a second): nothing is lost without a count.
/// </summary>
public sealed class AuditPipeline : IAuditWriter, IAsyncDisposable
{
    // Chunks of a spill file delivered before the loop looks at the queue again.
    private const int ChunksPerTurn = 16;

    private static readonly TimeSpan DropReportInterval = TimeSpan.FromSeconds(1);

    private readonly AuditPipelineOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<AuditRecord> _queue;
    private readonly SinkState[] _sinks;
    private readonly AuditSinkCounters[] _counters;
    private readonly CancellationTokenSource _abort = new();
    private readonly Task _loop;

    private long _enqueued;
    private long _dropped;
    private int _disposed;

    // Owned by the loop. A list handed to a sink that was then abandoned (timeout) may still be read by it, so it is
    // replaced rather than cleared.
    private List<AuditRecord> _batch;
    private List<AuditRecord> _chunk;
    private Task<bool>? _pendingWait;
    private long _droppedReported;
    private DateTimeOffset _lastDropReport;

    public AuditPipeline(
        IEnumerable<IAuditSink> sinks,
        AuditPipelineOptions options,
        ILogger<AuditPipeline>? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;

        Directory.CreateDirectory(options.SpillDirectory);
        _sinks = sinks.Select(sink => new SinkState(sink, options.SpillDirectory)).ToArray();
        var fileNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var sink in _sinks)
        {
            if (!fileNames.Add(Path.GetFileName(sink.Spill.Path)))
            {
                throw new ArgumentException($"two audit sinks would share the spill file of \"{sink.Name}\"; give them distinct names", nameof(sinks));
            }
        }

        _counters = Array.ConvertAll(_sinks, sink => sink.Counters);
        _batch = new List<AuditRecord>(options.MaxBatchSize);
        _chunk = new List<AuditRecord>(options.MaxBatchSize);

        // Wait (not DropOldest): TryWrite refuses when full, so the count of what was refused is exact. Continuations
        // stay asynchronous so a producer's TryWrite never runs the drain loop inline.
        _queue = Channel.CreateBounded<AuditRecord>(new BoundedChannelOptions(options.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });

        _loop = Task.Run(RunAsync);
    }

    /// <summary>Records accepted by <see cref="TryWrite"/>.</summary>
    public long Enqueued => Volatile.Read(ref _enqueued);

    /// <summary>Records <see cref="TryWrite"/> refused: the queue was full, or the pipeline was disposed.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Records waiting in the queue.</summary>
    public int QueueDepth => _queue.Reader.Count;

    /// <summary>Records appended to spill files, over all sinks.</summary>
    public long Spilled => Sum(static counters => counters.Spilled);

    /// <summary>Records delivered from spill files, over all sinks.</summary>
    public long Redelivered => Sum(static counters => counters.Redelivered);

    /// <summary>Record deliveries given up after being accepted (spill file unwritable or unreadable), over all sinks.</summary>
    public long Lost => Sum(static counters => counters.Lost);

    /// <summary>Per-sink counters, in the order the sinks were given.</summary>
    public IReadOnlyList<AuditSinkCounters> Sinks => _counters;

    /// <summary>Records the named sink accepted (first try or redelivered).</summary>
    public long GetWritten(string sinkName)
    {
        foreach (var counters in _counters)
        {
            if (counters.Name == sinkName)
            {
                return counters.Written;
            }
        }

        throw new ArgumentException($"no audit sink named \"{sinkName}\"", nameof(sinkName));
    }

    /// <summary>
    /// Queues <paramref name="record"/> for every sink. Never blocks and never throws; returns false (and counts the
    /// record in <see cref="Dropped"/>) when the queue is full or the pipeline is shut down.
    /// </summary>
    public bool TryWrite(AuditRecord record)
    {
        if (record is not null && _queue.Writer.TryWrite(record))
        {
            Interlocked.Increment(ref _enqueued);
            return true;
        }

        Interlocked.Increment(ref _dropped);
        return false;
    }

    /// <summary>
    /// Stops taking records, lets the sinks take what is queued for up to <see cref="AuditPipelineOptions.DrainTimeout"/>,
    /// then spills whatever is left for the next start.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(_options.DrainTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            AuditLog.DrainTimedOut(_logger, (long)_options.DrainTimeout.TotalMilliseconds);
            await _abort.CancelAsync().ConfigureAwait(false);

            // Sink calls end at once on the abort; what remains is local spilling.
            await _loop.ConfigureAwait(false);
        }

        _abort.Dispose();
    }

    private bool Aborting => _abort.IsCancellationRequested;

    private long Sum(Func<AuditSinkCounters, long> counter)
    {
        long sum = 0;
        foreach (var counters in _counters)
        {
            sum += counter(counters);
        }

        return sum;
    }

    private async Task RunAsync()
    {
        FindEarlierSpills();
        while (!_queue.Reader.Completion.IsCompleted)
        {
            try
            {
                await FillBatchAsync(_batch).ConfigureAwait(false);
                if (_batch.Count > 0)
                {
                    await DeliverAsync(_batch).ConfigureAwait(false);
                }
                else
                {
                    await RetryDueSinksAsync().ConfigureAwait(false);
                }
            }
            catch (Exception exception)
            {
                // Only a bug gets here; count the batch as lost everywhere rather than stop auditing.
                AuditLog.LoopFailed(_logger, exception, _batch.Count);
                foreach (var counters in _counters)
                {
                    counters.AddLost(_batch.Count);
                }
            }

            _batch.Clear();
            ReportDrops(force: false);
        }

        ReportDrops(force: true);
    }

    private void FindEarlierSpills()
    {
        try
        {
            var now = _time.GetUtcNow();
            var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var sink in _sinks)
            {
                known.Add(Path.GetFileName(sink.Spill.Path));
                var length = sink.Spill.Length;
                if (length > 0)
                {
                    // Older than anything in the queue: these go first, starting right away.
                    AuditLog.SpillFound(_logger, sink.Name, length);
                    sink.StartSpilling(now, _options.RetryInitialDelay);
                }
            }

            foreach (var path in Directory.EnumerateFiles(_options.SpillDirectory, "*" + SpillFile.Extension))
            {
                if (!known.Contains(Path.GetFileName(path)))
                {
                    AuditLog.OrphanSpillFile(_logger, path);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Appends will fail the same way and be counted as lost; nothing more to do here.
            AuditLog.SpillFailed(_logger, exception, 0, "*", _options.SpillDirectory);
        }
    }

    /// <summary>Takes up to a batch: waits for the first record (or the next retry or drop report), then lingers briefly for more.</summary>
    private async ValueTask FillBatchAsync(List<AuditRecord> batch)
    {
        var reader = _queue.Reader;
        AuditRecord? record;
        while (!reader.TryRead(out record))
        {
            if (!await WaitForRecordsAsync(TimeUntilNextChore()).ConfigureAwait(false))
            {
                return;
            }
        }

        batch.Add(record);
        if (TakeAvailable(reader, batch) || reader.Completion.IsCompleted)
        {
            return;
        }

        // Linger once for the rest of the batch window rather than waking for every record that arrives in it:
        // on a busy node each wake-up (a continuation, a timer) cost more CPU than writing the record.
        await Task.Delay(_options.MaxBatchDelay, _time).ConfigureAwait(false);
        TakeAvailable(reader, batch);
    }

    /// <summary>Moves queued records into the batch until it is full; true when it is.</summary>
    private bool TakeAvailable(ChannelReader<AuditRecord> reader, List<AuditRecord> batch)
    {
        while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var record))
        {
            batch.Add(record);
        }

        return batch.Count >= _options.MaxBatchSize;
    }

    /// <summary>True when records can be read; false when <paramref name="timeout"/> passed or the queue is complete.</summary>
    private async ValueTask<bool> WaitForRecordsAsync(TimeSpan? timeout)
    {
        // A wait outlives a timeout and is picked up by the next call, so waiters never pile up on the channel.
        var wait = _pendingWait ??= _queue.Reader.WaitToReadAsync().AsTask();
        if (!wait.IsCompleted && timeout is { } limit)
        {
            if (limit <= TimeSpan.Zero)
            {
                return false;
            }

            using var stopDelay = new CancellationTokenSource();
            await Task.WhenAny(wait, Task.Delay(limit, _time, stopDelay.Token)).ConfigureAwait(false);
            await stopDelay.CancelAsync().ConfigureAwait(false);
            if (!wait.IsCompleted)
            {
                return false;
            }
        }

        _pendingWait = null;
        return await wait.ConfigureAwait(false);
    }

    private TimeSpan? TimeUntilNextChore()
    {
        DateTimeOffset? due = null;
        foreach (var sink in _sinks)
        {
            if (sink.Spilling && (due is null || sink.NextRetry < due))
            {
                due = sink.NextRetry;
            }
        }

        if (Volatile.Read(ref _dropped) != _droppedReported)
        {
            var report = _lastDropReport + DropReportInterval;
            if (due is null || report < due)
            {
                due = report;
            }
        }

        if (due is null)
        {
            return null;
        }

        var left = due.Value - _time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private async ValueTask DeliverAsync(List<AuditRecord> batch)
    {
        foreach (var sink in _sinks)
        {
            if (sink.Spilling && !Aborting && _time.GetUtcNow() >= sink.NextRetry)
            {
                await RedeliverAsync(sink).ConfigureAwait(false);
            }

            if (!sink.Spilling)
            {
                if (Aborting)
                {
                    // Shutdown ran out of time: keep the rest for the next start instead of waiting on the sink.
                    sink.StartSpilling(_time.GetUtcNow(), _options.RetryInitialDelay);
                }
                else
                {
                    var failure = await WriteToSinkAsync(sink, batch).ConfigureAwait(false);
                    if (failure is null)
                    {
                        sink.Counters.AddWritten(batch.Count);
                        continue;
                    }

                    AuditLog.SinkFailed(_logger, failure, sink.Name, sink.Spill.Path);
                    sink.StartSpilling(_time.GetUtcNow() + _options.RetryInitialDelay, _options.RetryInitialDelay);
                }
            }

            Spill(sink, batch);
        }
    }

    private async ValueTask RetryDueSinksAsync()
    {
        foreach (var sink in _sinks)
        {
            if (sink.Spilling && !Aborting && _time.GetUtcNow() >= sink.NextRetry)
            {
                await RedeliverAsync(sink).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Delivers the sink's spill file chunk by chunk from where it stopped; once it is all through the sink is healthy
    /// again. A long file is taken a few chunks per turn so the queue keeps draining (into the spill file, behind).
    /// </summary>
    private async ValueTask RedeliverAsync(SinkState sink)
    {
        for (var turn = 0; turn < ChunksPerTurn; turn++)
        {
            if (Aborting)
            {
                return;
            }

            var chunk = _chunk;
            chunk.Clear();
            SpillRead read;
            try
            {
                read = await sink.Spill.ReadAsync(sink.SpillOffset, _options.MaxBatchSize, chunk, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                RetryLater(sink, exception);
                return;
            }

            if (chunk.Count == 0 && read.NextOffset == sink.SpillOffset)
            {
                FinishRedelivery(sink);
                return;
            }

            if (chunk.Count > 0)
            {
                var failure = await WriteToSinkAsync(sink, chunk).ConfigureAwait(false);
                if (failure is not null)
                {
                    RetryLater(sink, failure);
                    return;
                }

                sink.Counters.AddRedelivered(chunk.Count);
            }

            // Counted only once the chunk is through, since a failed chunk is read (and its bad lines met) again.
            if (read.Unreadable > 0)
            {
                sink.Counters.AddLost(read.Unreadable);
                AuditLog.SpillUnreadable(_logger, read.Unreadable, sink.Spill.Path);
            }

            sink.SpillOffset = read.NextOffset;
        }

        // The sink works: go on with the file on the next turn, without backing off.
        sink.StartSpilling(_time.GetUtcNow(), _options.RetryInitialDelay);
    }

    private void RetryLater(SinkState sink, Exception failure)
    {
        sink.RetryLater(_time.GetUtcNow(), _options.RetryMaxDelay);
        AuditLog.RetryFailed(_logger, sink.Name, (long)sink.Backoff.TotalMilliseconds, failure.GetType().Name, failure.Message);
    }

    private void FinishRedelivery(SinkState sink)
    {
        try
        {
            sink.Spill.Delete();
            sink.SpillOffset = 0;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Keep the offset: new spills append behind it and are read on from there.
            AuditLog.SpillDeleteFailed(_logger, exception, sink.Spill.Path);
        }

        sink.Recovered();
        AuditLog.SinkRecovered(_logger, sink.Name, sink.Counters.Redelivered);
    }

    /// <summary>Hands <paramref name="records"/> to the sink; returns what went wrong, or null.</summary>
    private async ValueTask<Exception?> WriteToSinkAsync(SinkState sink, List<AuditRecord> records)
    {
        using var timeout = new CancellationTokenSource(_options.SinkTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _abort.Token);
        Task? write = null;
        try
        {
            write = sink.Sink.WriteAsync(records, linked.Token).AsTask();

            // WaitAsync: a sink that ignores its token still cannot hold the loop past the timeout.
            await write.WaitAsync(linked.Token).ConfigureAwait(false);
            return null;
        }
        catch (Exception exception)
        {
            if (write is { IsCompleted: false })
            {
                Abandon(records);
            }

            return exception;
        }
    }

    private void Abandon(List<AuditRecord> records)
    {
        if (ReferenceEquals(records, _batch))
        {
            _batch = new List<AuditRecord>(_options.MaxBatchSize);
        }
        else if (ReferenceEquals(records, _chunk))
        {
            _chunk = new List<AuditRecord>(_options.MaxBatchSize);
        }
    }

    private void Spill(SinkState sink, List<AuditRecord> batch)
    {
        try
        {
            sink.Spill.Append(batch);
            sink.Counters.AddSpilled(batch.Count);
        }
        catch (Exception exception)
        {
            sink.Counters.AddLost(batch.Count);
            AuditLog.SpillFailed(_logger, exception, batch.Count, sink.Name, sink.Spill.Path);
        }
    }

    private void ReportDrops(bool force)
    {
        var dropped = Volatile.Read(ref _dropped);
        if (dropped == _droppedReported)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (!force && now - _lastDropReport < DropReportInterval)
        {
            return;
        }

        AuditLog.RecordsDropped(_logger, dropped - _droppedReported, dropped);
        _droppedReported = dropped;
        _lastDropReport = now;
    }
}
