using System.Buffers;
using System.IO.Pipelines;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Framing;

namespace ProxyCluster.Sessions.Relay;

/// <summary>
/// One typed message copied out of a pipe. Only the handshakes (a handful of small messages per connection) use
/// it; the relay never copies messages into arrays.
/// </summary>
public readonly record struct HandshakeMessage(byte Code, ReadOnlySequence<byte> Body)
{
    /// <summary>Reads the next whole message; null when the peer closed cleanly between messages.</summary>
    public static async ValueTask<HandshakeMessage?> ReadAsync(PipeReader reader, int maxLength, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var status = MessageFramer.TryReadFrame(ref buffer, maxLength, out var frame);
            if (status == FrameStatus.Complete)
            {
                var message = new HandshakeMessage(frame.Code, new ReadOnlySequence<byte>(frame.Body.ToArray()));
                reader.AdvanceTo(buffer.Start);
                return message;
            }

            if (status == FrameStatus.Invalid)
            {
                reader.AdvanceTo(result.Buffer.Start);
                throw new ProtocolViolationException("invalid message length");
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                if (result.Buffer.IsEmpty)
                {
                    return null;
                }

                throw new ProtocolViolationException("unexpected EOF within message length word");
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}
