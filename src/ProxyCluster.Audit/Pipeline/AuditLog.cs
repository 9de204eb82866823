using Microsoft.Extensions.Logging;

namespace ProxyCluster.Audit.Pipeline;

/// <summary>The pipeline's log lines: sink names, counts and paths, never a record's content.</summary>
internal static partial class AuditLog
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Warning, Message = "audit sink {Sink} failed; spilling its records to {SpillPath} until it recovers")]
    public static partial void SinkFailed(ILogger logger, Exception exception, string sink, string spillPath);

    [LoggerMessage(EventId = 601, Level = LogLevel.Debug, Message = "audit sink {Sink} still failing, next try in {DelayMilliseconds} ms: {ErrorType}: {ErrorMessage}")]
    public static partial void RetryFailed(ILogger logger, string sink, long delayMilliseconds, string errorType, string errorMessage);

    [LoggerMessage(EventId = 602, Level = LogLevel.Information, Message = "audit sink {Sink} recovered; {Redelivered} spilled records delivered in all")]
    public static partial void SinkRecovered(ILogger logger, string sink, long redelivered);

    [LoggerMessage(EventId = 603, Level = LogLevel.Warning, Message = "audit queue full: {Count} records dropped since the last report, {Total} since start")]
    public static partial void RecordsDropped(ILogger logger, long count, long total);

    [LoggerMessage(EventId = 604, Level = LogLevel.Error, Message = "could not spill {Count} audit records for sink {Sink} to {SpillPath}; they are lost for that sink")]
    public static partial void SpillFailed(ILogger logger, Exception exception, int count, string sink, string spillPath);

    [LoggerMessage(EventId = 605, Level = LogLevel.Warning, Message = "{Count} unreadable lines skipped in audit spill file {SpillPath} (a write torn by a crash)")]
    public static partial void SpillUnreadable(ILogger logger, int count, string spillPath);

    [LoggerMessage(EventId = 606, Level = LogLevel.Information, Message = "audit sink {Sink} has {Bytes} bytes of spilled records from before; delivering them first")]
    public static partial void SpillFound(ILogger logger, string sink, long bytes);

    [LoggerMessage(EventId = 607, Level = LogLevel.Warning, Message = "audit spill file {SpillPath} belongs to no configured sink; left in place")]
    public static partial void OrphanSpillFile(ILogger logger, string spillPath);

    [LoggerMessage(EventId = 608, Level = LogLevel.Warning, Message = "audit sinks did not take the queue within {TimeoutMilliseconds} ms of shutdown; spilling the rest")]
    public static partial void DrainTimedOut(ILogger logger, long timeoutMilliseconds);

    [LoggerMessage(EventId = 609, Level = LogLevel.Warning, Message = "could not delete the delivered audit spill file {SpillPath}; it will be read on from where delivery stopped")]
    public static partial void SpillDeleteFailed(ILogger logger, Exception exception, string spillPath);

    [LoggerMessage(EventId = 610, Level = LogLevel.Error, Message = "audit pipeline loop failed; {Count} records of the batch in hand are lost")]
    public static partial void LoopFailed(ILogger logger, Exception exception, int count);
}
