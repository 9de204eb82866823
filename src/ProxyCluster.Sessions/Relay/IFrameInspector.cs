using System.Buffers;
using System.IO.Pipelines;
using ProxyCluster.Protocol.Framing;

namespace ProxyCluster.Sessions.Relay;

/// <summary>
/// Decides, per message code, whether the relay must see a message whole before it is forwarded, and then what
/// happens to it. Everything the inspector does not ask for streams through as raw bytes.
/// </summary>
public interface IFrameInspector
{
    /// <summary>Messages asked for whole but longer than this are never buffered: see <see cref="ReplaceOversized"/>.</summary>
    int MaxWholeMessageLength { get; }

    bool NeedsWholeMessage(byte code);

    /// <summary>
    /// Called with a whole message; may write its own replacement into <paramref name="destination"/>. Returns
    /// <see cref="FrameDisposition.Deferred"/> when deciding needs work that must not run on the socket thread.
    /// </summary>
    FrameDisposition Inspect(in MessageFrame frame, PipeWriter destination);

    /// <summary>Decides a message <see cref="Inspect"/> deferred; the frame's bytes stay valid until it completes.</summary>
    ValueTask<FrameDisposition> InspectAsync(MessageFrame frame, PipeWriter destination);

    /// <summary>
    /// A message the inspector wanted whole is longer than <see cref="MaxWholeMessageLength"/>. Either write what goes
    /// on instead and return true (the relay then discards the message's bytes as they arrive), or return false to
    /// let it stream through unread.
    /// </summary>
    bool ReplaceOversized(byte code, PipeWriter destination);

    /// <summary>
    /// For a message that streams through unread (never asked for whole, or longer than
    /// <see cref="MaxWholeMessageLength"/>): how many of its first bytes (header included) the inspector wants to
    /// see before it is forwarded; 0 for none. For reading a small prefix of a message that may be large (Bind's
    /// portal and statement names before its parameters; the SQLSTATE of a long ErrorResponse) without buffering
    /// the rest.
    /// </summary>
    int PeekLength(byte code) => 0;

    /// <summary>The first bytes of a message asked for by <see cref="PeekLength"/> (fewer when the message is shorter).</summary>
    void Peek(byte code, in ReadOnlySequence<byte> prefix)
    {
    }
}

public enum FrameDisposition
{
    /// <summary>Forward the message's bytes unchanged.</summary>
    Forward,
    /// <summary>The inspector wrote what should go on instead (or nothing).</summary>
    Handled,
    /// <summary>Forward it, then stop relaying in this direction (Terminate).</summary>
    ForwardAndStop,
    /// <summary>The inspector wrote a replacement; then stop relaying in this direction (the session must end).</summary>
    HandledAndStop,
    /// <summary>Ask again through <see cref="IFrameInspector.InspectAsync"/> (a query not seen before must be parsed).</summary>
    Deferred,
}
