namespace ProxyCluster.Audit.Pipeline;

/// <summary>How the audit pipeline queues, batches, retries and spills. Immutable; defaults suit a busy node.</summary>
public sealed record AuditPipelineOptions
{
    /// <summary>Where a sink's undelivered batches are kept, one <c>&lt;sink&gt;.spill.jsonl</c> per sink. Must be local and survive restarts.</summary>
    public required string SpillDirectory { get; init; }

    /// <summary>Records the queue holds before <see cref="AuditPipeline.TryWrite"/> refuses (and counts) new ones.</summary>
    public int Capacity { get; init; } = 65_536;

    /// <summary>Most records handed to a sink in one call.</summary>
    public int MaxBatchSize { get; init; } = 512;

    /// <summary>Longest a record waits for its batch to fill before the batch goes out anyway.</summary>
    public TimeSpan MaxBatchDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>First wait before a failed sink is tried again; doubles on each failure up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryInitialDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A sink call that takes longer counts as a failure, so one hung sink cannot stall the others for long.</summary>
    public TimeSpan SinkTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long disposal lets sinks take what is queued before the rest is spilled.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(SpillDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(Capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RetryInitialDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryMaxDelay, RetryInitialDelay);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SinkTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(DrainTimeout, TimeSpan.Zero);
    }
}
