using Microsoft.Extensions.Logging;

namespace ProxyCluster.Sessions.Lifecycle;

/// <summary>
/// Every log line a session writes. Arguments are ids, names, addresses and reasons the proxy chose — never what a
/// client presented as a secret, never a query (audit records carry normalized queries).
/// </summary>
internal static partial class SessionLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "session {SessionId} started: token {TokenId} ({Principal}) from {ClientAddress} to database \"{Database}\" via {Method}")]
    public static partial void Started(ILogger logger, long sessionId, string tokenId, string principal, string clientAddress, string database, string method);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "session {SessionId} ended: {Reason}")]
    public static partial void Ended(ILogger logger, long sessionId, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "authentication failed for user \"{User}\" from {ClientAddress} via {Method}: {Reason}; refusal delayed {DelayMilliseconds} ms")]
    public static partial void AuthenticationFailed(ILogger logger, string user, string clientAddress, string method, string reason, long delayMilliseconds);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "connection from {ClientAddress} refused: {SqlState} {Message}")]
    public static partial void Refused(ILogger logger, string clientAddress, string sqlState, string message);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "cancel request from {ClientAddress} for process {ProcessId}: {Outcome}")]
    public static partial void CancelRequested(ILogger logger, string clientAddress, int processId, string outcome);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "session {SessionId} failed: {ErrorType}: {ErrorMessage}")]
    public static partial void Failed(ILogger logger, long sessionId, string errorType, string errorMessage);
}
