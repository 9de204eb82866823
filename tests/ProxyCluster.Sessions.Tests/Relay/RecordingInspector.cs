using System.Buffers;
using System.IO.Pipelines;
using ProxyCluster.Protocol.Framing;
using ProxyCluster.Sessions.Relay;

namespace ProxyCluster.Sessions.Tests.Relay;

/// <summary>
/// Asks for the given codes whole, records every message it is handed, and answers with a disposition (or a
/// replacement) chosen per code. Everything else streams through.
/// </summary>
internal sealed class RecordingInspector : IFrameInspector
{
    private readonly HashSet<byte> _wholeCodes;

    public RecordingInspector(params char[] wholeCodes)
    {
        _wholeCodes = [.. wholeCodes.Select(code => (byte)code)];
    }

    public int MaxWholeMessageLength { get; init; } = 64 * 1024;

    /// <summary>Per code: what to do with a whole message (default Forward).</summary>
    public Dictionary<char, FrameDisposition> Dispositions { get; } = [];

    /// <summary>Per code: bytes written in place of a message that is Handled, or replaced because it is oversized.</summary>
    public Dictionary<char, byte[]> Replacements { get; } = [];

    public List<byte[]> Inspected { get; } = [];

    public List<byte> Oversized { get; } = [];

    public bool NeedsWholeMessage(byte code) => _wholeCodes.Contains(code);

    /// <summary>Per code: how many first bytes to peek at (default none).</summary>
    public Dictionary<char, int> PeekLengths { get; } = [];

    public List<byte[]> Peeked { get; } = [];

    public int PeekLength(byte code) => PeekLengths.GetValueOrDefault((char)code);

    public void Peek(byte code, in ReadOnlySequence<byte> prefix) => Peeked.Add(prefix.ToArray());

    public FrameDisposition Inspect(in MessageFrame frame, PipeWriter destination)
    {
        Inspected.Add(frame.Message.ToArray());
        var disposition = Dispositions.GetValueOrDefault((char)frame.Code, FrameDisposition.Forward);
        if (disposition == FrameDisposition.Handled && Replacements.TryGetValue((char)frame.Code, out var replacement))
        {
            destination.Write(replacement);
        }

        return disposition;
    }

    /// <summary>What <see cref="InspectAsync"/> decides for a deferred message, when the test completes it.</summary>
    public TaskCompletionSource<FrameDisposition> DeferredDecision { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<byte[]> InspectedLater { get; } = [];

    public async ValueTask<FrameDisposition> InspectAsync(MessageFrame frame, PipeWriter destination)
    {
        InspectedLater.Add(frame.Message.ToArray());
        var disposition = await DeferredDecision.Task;
        if (disposition == FrameDisposition.Handled && Replacements.TryGetValue((char)frame.Code, out var replacement))
        {
            destination.Write(replacement);
        }

        return disposition;
    }

    public bool ReplaceOversized(byte code, PipeWriter destination)
    {
        Oversized.Add(code);
        if (!Replacements.TryGetValue((char)code, out var replacement))
        {
            return false;
        }

        destination.Write(replacement);
        return true;
    }
}
