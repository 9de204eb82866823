using System.IO.Pipelines;
using ProxyCluster.Protocol.Framing;

namespace ProxyCluster.Sessions.Relay;

/// <summary>
/// Watches client-to-server traffic. Today it only sees <c>Terminate</c>, so that the relay stops reading from the
/// client after forwarding it; statement checks (Query, Parse) plug in here and stay off the path of every other
/// message, which streams through untouched.
/// </summary>
public sealed class FrontendInspector : IFrameInspector
{
    public bool NeedsWholeMessage(byte code) => code == (byte)FrontendCode.Terminate;

    public FrameDisposition Inspect(in MessageFrame frame, PipeWriter destination) =>
        frame.Code == (byte)FrontendCode.Terminate ? FrameDisposition.ForwardAndStop : FrameDisposition.Forward;
}
