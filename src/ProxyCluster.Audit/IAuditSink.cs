namespace ProxyCluster.Audit;

/// <summary>
/// Somewhere audit records are kept (a JSON-lines file, stdout, the control store). The pipeline calls a sink from
/// one loop, never concurrently, and treats any exception as "the sink is down": the batch is spilled to disk and
/// delivered again later, so a sink may see a batch it partly wrote before (delivery is at least once).
/// </summary>
public interface IAuditSink
{
    /// <summary>A stable name: it names the sink's spill file and its counters, so it must survive restarts.</summary>
    string Name { get; }

    /// <summary>
    /// Stores <paramref name="batch"/> in order and returns once it is durable enough for this sink. The list is
    /// reused after the call returns: don't keep it.
    /// </summary>
    ValueTask WriteAsync(IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken);
}
