namespace ProxyCluster.Audit.Pipeline;

/// <summary>The pipeline loop's own view of one sink: healthy, or spilling with a retry time. Touched only by the loop.</summary>
internal sealed class SinkState
{
    public SinkState(IAuditSink sink, string spillDirectory)
    {
        Sink = sink;
        Spill = new SpillFile(spillDirectory, sink.Name);
        Counters = new AuditSinkCounters(sink.Name);
    }

    public IAuditSink Sink { get; }

    public SpillFile Spill { get; }

    public AuditSinkCounters Counters { get; }

    public string Name => Sink.Name;

    /// <summary>While true, every batch for this sink goes behind the spilled ones; only redelivery clears it.</summary>
    public bool Spilling { get; private set; }

    /// <summary>Bytes of the spill file already delivered in this run.</summary>
    public long SpillOffset { get; set; }

    public DateTimeOffset NextRetry { get; private set; }

    public TimeSpan Backoff { get; private set; }

    /// <summary>From now on batches go to the spill file; the first redelivery is tried at <paramref name="retryAt"/>.</summary>
    public void StartSpilling(DateTimeOffset retryAt, TimeSpan backoff)
    {
        Spilling = true;
        Counters.SetSpilling(true);
        Backoff = backoff;
        NextRetry = retryAt;
    }

    /// <summary>Waits twice as long as last time before the next try, up to <paramref name="maxDelay"/>.</summary>
    public void RetryLater(DateTimeOffset now, TimeSpan maxDelay)
    {
        Backoff = Backoff * 2 < maxDelay ? Backoff * 2 : maxDelay;
        NextRetry = now + Backoff;
    }

    public void Recovered()
    {
        Spilling = false;
        Counters.SetSpilling(false);
    }
}
