using System.Buffers;
using System.IO.Pipelines;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Framing;

namespace ProxyCluster.Sessions.Relay;

/// <summary>
/// Moves typed messages from one pipe to another in one direction. Bytes are forwarded as soon as they arrive —
/// a 1 GB CopyData is streamed, not buffered — except for message codes the inspector wants to read whole.
/// One flush per read, so a pipelined batch of messages costs one write. Nothing here allocates per message.
/// </summary>
public sealed class RelayPump
{
    private readonly PipeReader _source;
    private readonly PipeWriter _destination;
    private readonly IFrameInspector _inspector;
    private readonly int _maxMessageLength;

    /// <summary>Bytes of a pass-through message still to forward; zero between messages.</summary>
    private long _remainingOfCurrent;

    /// <summary>Bytes of an oversized inspected message still to drop (its replacement is already written).</summary>
    private long _remainingToDiscard;

    /// <summary>1 while a flush to the destination is in progress; see <see cref="Stop"/>.</summary>
    private int _flushing;

    /// <summary>1 once <see cref="Stop"/> was called.</summary>
    private int _stopped;

    public RelayPump(PipeReader source, PipeWriter destination, IFrameInspector inspector, int maxMessageLength)
    {
        _source = source;
        _destination = destination;
        _inspector = inspector;
        _maxMessageLength = maxMessageLength;
    }

    /// <summary>
    /// True when the destination has received only whole messages, so the proxy may write a message of its own
    /// (a FATAL error on termination) without corrupting the stream. Read it after the pump has stopped.
    /// </summary>
    public bool IsAtMessageBoundary => Volatile.Read(ref _remainingOfCurrent) == 0;

    public long BytesForwarded { get; private set; }

    /// <summary>Makes a running <see cref="RunAsync"/> return <see cref="RelayOutcome.Canceled"/> at its next await.</summary>
    public void Stop()
    {
        Interlocked.Exchange(ref _stopped, 1);
        _source.CancelPendingRead();

        // Only a flush that is in progress is cancelled. A cancel with no flush pending is remembered by the
        // destination and hits the next flush instead — the session's goodbye. Over TLS that flush has already
        // been encrypted (a TLS sequence number spent) when it is cancelled, so the bytes that follow it (the
        // close_notify) fail the client's record MAC check and the client never sees the FATAL.
        if (Volatile.Read(ref _flushing) == 1)
        {
            _destination.CancelPendingFlush();
        }
    }

    public async Task<RelayOutcome> RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _source.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCanceled)
            {
                _source.AdvanceTo(result.Buffer.Start);
                return RelayOutcome.Canceled;
            }

            var buffer = result.Buffer;
            var stop = false;
            while (true)
            {
                var step = Forward(ref buffer, out var deferred);
                if (step != Step.Deferred)
                {
                    stop = step == Step.Stop;
                    break;
                }

                // The buffer is not advanced past the frame, so its bytes stay valid across the await.
                var disposition = await _inspector.InspectAsync(deferred, _destination).ConfigureAwait(false);
                if (Complete(deferred, disposition, ref buffer))
                {
                    stop = true;
                    break;
                }
            }

            BytesForwarded += result.Buffer.Length - buffer.Length;
            _source.AdvanceTo(buffer.Start, result.Buffer.End);

            // Announce the flush before checking for a stop (both full fences): either Stop sees it and cancels
            // it, or this sees the stop and leaves the bytes to the goodbye's flush.
            Interlocked.Exchange(ref _flushing, 1);
            if (Volatile.Read(ref _stopped) == 1)
            {
                Volatile.Write(ref _flushing, 0);
                return RelayOutcome.Canceled;
            }

            var flush = await _destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _flushing, 0);
            if (flush.IsCanceled)
            {
                return RelayOutcome.Canceled;
            }

            if (stop)
            {
                return RelayOutcome.Stopped;
            }

            if (flush.IsCompleted)
            {
                return RelayOutcome.DestinationClosed;
            }

            if (result.IsCompleted)
            {
                return buffer.IsEmpty && _remainingOfCurrent == 0 && _remainingToDiscard == 0 ? RelayOutcome.SourceClosed : RelayOutcome.SourceClosedMidMessage;
            }
        }
    }

    private enum Step
    {
        /// <summary>Everything forwardable is forwarded; read more.</summary>
        NeedMore,
        /// <summary>The inspector asked to stop after a message.</summary>
        Stop,
        /// <summary>A message waits for <see cref="IFrameInspector.InspectAsync"/>.</summary>
        Deferred,
    }

    /// <summary>Applies a disposition to a whole message at the front of the buffer; true when relaying must stop.</summary>
    private bool Complete(in MessageFrame frame, FrameDisposition disposition, ref ReadOnlySequence<byte> buffer)
    {
        if (disposition is FrameDisposition.Forward or FrameDisposition.ForwardAndStop)
        {
            Copy(frame.Message, _destination);
        }

        buffer = buffer.Slice(frame.Length);
        return disposition is FrameDisposition.ForwardAndStop or FrameDisposition.HandledAndStop;
    }

    /// <summary>Forwards what can be forwarded from <paramref name="buffer"/> without waiting for anything.</summary>
    private Step Forward(ref ReadOnlySequence<byte> buffer, out MessageFrame deferred)
    {
        deferred = default;
        while (!buffer.IsEmpty)
        {
            if (_remainingToDiscard > 0)
            {
                var dropped = Math.Min(_remainingToDiscard, buffer.Length);
                buffer = buffer.Slice(dropped);
                _remainingToDiscard -= dropped;
                continue;
            }

            if (_remainingOfCurrent > 0)
            {
                var part = Math.Min(_remainingOfCurrent, buffer.Length);
                Copy(buffer.Slice(0, part), _destination);
                buffer = buffer.Slice(part);
                _remainingOfCurrent -= part;
                continue;
            }

            switch (MessageFramer.TryReadHeader(buffer, _maxMessageLength, out var code, out var length))
            {
                case FrameStatus.NeedMore:
                    return Step.NeedMore;
                case FrameStatus.Invalid:
                    throw new ProtocolViolationException($"invalid message length {length} for message type \"{(char)code}\"");
            }

            var total = 1L + length;
            // A peek is for a message that streams through: one never read whole, or one too long to be.
            if (_inspector.PeekLength(code) is > 0 and var peek && (!_inspector.NeedsWholeMessage(code) || total > _inspector.MaxWholeMessageLength))
            {
                var wanted = Math.Min(total, peek);
                if (buffer.Length < wanted)
                {
                    return Step.NeedMore; // nothing of this message is forwarded before the inspector has seen its start
                }

                _inspector.Peek(code, buffer.Slice(0, wanted));
            }

            if (!_inspector.NeedsWholeMessage(code)
                || (total > _inspector.MaxWholeMessageLength && !_inspector.ReplaceOversized(code, _destination)))
            {
                var part = Math.Min(total, buffer.Length);
                Copy(buffer.Slice(0, part), _destination);
                buffer = buffer.Slice(part);
                _remainingOfCurrent = total - part;
                continue;
            }

            if (total > _inspector.MaxWholeMessageLength)
            {
                _remainingToDiscard = total; // replaced above
                continue;
            }

            if (buffer.Length < total)
            {
                return Step.NeedMore;
            }

            var frame = new MessageFrame(code, buffer.Slice(0, total));
            var disposition = _inspector.Inspect(frame, _destination);
            if (disposition == FrameDisposition.Deferred)
            {
                deferred = frame;
                return Step.Deferred;
            }

            if (Complete(frame, disposition, ref buffer))
            {
                return Step.Stop;
            }
        }

        return Step.NeedMore;
    }

    private static void Copy(in ReadOnlySequence<byte> bytes, PipeWriter destination)
    {
        if (bytes.IsSingleSegment)
        {
            destination.Write(bytes.FirstSpan);
            return;
        }

        foreach (var segment in bytes)
        {
            destination.Write(segment.Span);
        }
    }
}
