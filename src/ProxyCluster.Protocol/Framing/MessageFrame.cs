using System.Buffers;

namespace ProxyCluster.Protocol.Framing;

/// <summary>
/// One typed message as it sits in the receive buffer: no bytes copied. <see cref="Message"/> is what a relay
/// forwards unchanged; <see cref="Body"/> is what a decoder reads.
/// </summary>
public readonly struct MessageFrame
{
    /// <summary>Type byte + Int32 length.</summary>
    public const int HeaderLength = 5;

    public MessageFrame(byte code, ReadOnlySequence<byte> message)
    {
        Code = code;
        Message = message;
    }

    public byte Code { get; }

    /// <summary>The whole message: type byte, length and body.</summary>
    public ReadOnlySequence<byte> Message { get; }

    public ReadOnlySequence<byte> Body => Message.Slice(HeaderLength);

    public long Length => Message.Length;
}
