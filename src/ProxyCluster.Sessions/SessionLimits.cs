using ProxyCluster.Protocol.Framing;

namespace ProxyCluster.Sessions;

/// <summary>Limits every session on a node shares.</summary>
public sealed record SessionLimits
{
    /// <summary>PostgreSQL's own cap on a protocol message (PQ_LARGE_MESSAGE_LIMIT, 1 GB − 1).</summary>
    public const int PostgresMaxMessageLength = 0x3FFF_FFFF;

    /// <summary>From accept until the client is authenticated; PostgreSQL's authentication_timeout defaults to 60 s.</summary>
    public TimeSpan AuthenticationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public int MaxStartupPacketLength { get; init; } = StartupFramer.DefaultMaxStartupLength;

    public int MaxMessageLength { get; init; } = PostgresMaxMessageLength;

    /// <summary>
    /// Query and Parse messages are read whole to be checked; longer ones are denied without being buffered. The
    /// listener's read buffer must be larger than this, or a whole message could never arrive.
    /// </summary>
    public int MaxInspectedMessageLength { get; init; } = DefaultMaxInspectedMessageLength;

    /// <summary>The default for <see cref="MaxInspectedMessageLength"/>: a 1 MiB query plus the message's own framing.</summary>
    public const int DefaultMaxInspectedMessageLength = 1024 * 1024 + 64;

    /// <summary>How long a FATAL goodbye may take to reach a client that has stopped reading.</summary>
    public TimeSpan GoodbyeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a forwarded CancelRequest may take to reach the upstream server.</summary>
    public TimeSpan CancelTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
