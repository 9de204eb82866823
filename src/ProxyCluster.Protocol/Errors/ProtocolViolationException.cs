namespace ProxyCluster.Protocol.Errors;

/// <summary>
/// A peer broke the protocol (malformed or oversized message, a message not legal in the current state).
/// Carries the SQLSTATE so the edge can turn it into exactly one FATAL ErrorResponse before closing.
/// </summary>
public sealed class ProtocolViolationException : Exception
{
    public ProtocolViolationException(string message)
        : this(Errors.SqlState.ProtocolViolation, message)
    {
    }

    public ProtocolViolationException(string sqlState, string message)
        : base(message)
    {
        SqlState = sqlState;
    }

    public ProtocolViolationException()
        : this("protocol violation")
    {
    }

    public ProtocolViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
        SqlState = Errors.SqlState.ProtocolViolation;
    }

    public string SqlState { get; }
}
