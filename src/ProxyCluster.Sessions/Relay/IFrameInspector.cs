using System.IO.Pipelines;
using ProxyCluster.Protocol.Framing;

namespace ProxyCluster.Sessions.Relay;

/// <summary>
/// Decides, per message code, whether the relay must see a message whole before it is forwarded, and then what
/// happens to it. Everything the inspector does not ask for streams through as raw bytes.
/// </summary>
public interface IFrameInspector
{
    bool NeedsWholeMessage(byte code);

    /// <summary>Called with a whole message; may write its own replacement into <paramref name="destination"/>.</summary>
    FrameDisposition Inspect(in MessageFrame frame, PipeWriter destination);
}

public enum FrameDisposition
{
    /// <summary>Forward the message's bytes unchanged.</summary>
    Forward,
    /// <summary>The inspector wrote what should go on instead (or nothing).</summary>
    Handled,
    /// <summary>Forward it, then stop relaying in this direction (Terminate).</summary>
    ForwardAndStop,
}
