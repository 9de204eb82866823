using ProxyCluster.Protocol.Frontend;

namespace ProxyCluster.Sessions.Startup;

/// <summary>What the first packets of a connection asked for.</summary>
public enum NegotiationKind
{
    /// <summary>A StartupMessage: authenticate and relay.</summary>
    Startup,
    /// <summary>A CancelRequest: forward it and close, as the server does.</summary>
    Cancel,
    /// <summary>The client closed before sending a StartupMessage (port scanners, health checks).</summary>
    Closed,
}

public sealed record NegotiationResult(NegotiationKind Kind, StartupMessage? Startup, CancelRequest CancelKey, IReadOnlyList<string> UnrecognizedProtocolOptions)
{
    public static readonly NegotiationResult ClosedEarly = new(NegotiationKind.Closed, null, default, []);

    /// <summary>The client asked for a newer minor protocol version or for protocol options: answer with NegotiateProtocolVersion.</summary>
    public bool NeedsProtocolNegotiation =>
        Startup is not null && ((Startup.ProtocolVersion & 0xFFFF) != 0 || UnrecognizedProtocolOptions.Count > 0);
}
