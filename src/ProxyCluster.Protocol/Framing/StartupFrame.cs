using System.Buffers;

namespace ProxyCluster.Protocol.Framing;

/// <summary>
/// One untyped startup-phase packet (Int32 length + Int32 code + body): a StartupMessage, SSLRequest,
/// GSSENCRequest or CancelRequest, told apart by <see cref="Code"/>.
/// </summary>
public readonly struct StartupFrame
{
    /// <summary>Int32 length + Int32 code.</summary>
    public const int HeaderLength = 8;

    public StartupFrame(int code, ReadOnlySequence<byte> packet)
    {
        Code = code;
        Packet = packet;
    }

    /// <summary>Protocol version for a StartupMessage, or one of the request codes in <see cref="StartupCodes"/>.</summary>
    public int Code { get; }

    public ReadOnlySequence<byte> Packet { get; }

    /// <summary>What follows the code: parameters for a StartupMessage, process id and key for a CancelRequest.</summary>
    public ReadOnlySequence<byte> Body => Packet.Slice(HeaderLength);

    public StartupRequestKind Kind => Code switch
    {
        StartupCodes.SslRequest => StartupRequestKind.SslRequest,
        StartupCodes.GssEncRequest => StartupRequestKind.GssEncRequest,
        StartupCodes.CancelRequest => StartupRequestKind.CancelRequest,
        _ when Code >> 16 == 3 => StartupRequestKind.Startup,
        _ => StartupRequestKind.Unsupported,
    };
}

public enum StartupRequestKind
{
    Startup,
    SslRequest,
    GssEncRequest,
    CancelRequest,
    /// <summary>A protocol major version other than 3, or an unknown request code.</summary>
    Unsupported,
}
