namespace ProxyCluster.Sessions.Relay;

/// <summary>Why one direction of the relay stopped.</summary>
public enum RelayOutcome
{
    /// <summary>The source closed between messages.</summary>
    SourceClosed,
    /// <summary>The source closed in the middle of a message.</summary>
    SourceClosedMidMessage,
    /// <summary>The destination stopped reading (it closed).</summary>
    DestinationClosed,
    /// <summary>The inspector asked to stop after a message (the client's Terminate).</summary>
    Stopped,
    /// <summary>Someone cancelled the pending read or flush (session termination).</summary>
    Canceled,
}
