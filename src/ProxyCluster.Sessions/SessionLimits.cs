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

    /// <summary>How long a FATAL goodbye may take to reach a client that has stopped reading.</summary>
    public TimeSpan GoodbyeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a forwarded CancelRequest may take to reach the upstream server.</summary>
    public TimeSpan CancelTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
