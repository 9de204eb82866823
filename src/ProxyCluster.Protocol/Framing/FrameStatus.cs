namespace ProxyCluster.Protocol.Framing;

/// <summary>Outcome of trying to cut one message off the front of a buffer.</summary>
public enum FrameStatus
{
    /// <summary>A whole message was read; the buffer now starts after it.</summary>
    Complete,
    /// <summary>The buffer holds only part of a message; read more and try again.</summary>
    NeedMore,
    /// <summary>The header is impossible (length below its minimum or above the limit): a protocol violation.</summary>
    Invalid,
}
