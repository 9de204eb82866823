using System.Buffers;
using ProxyCluster.Protocol.Framing;

namespace ProxyCluster.Protocol.Frontend;

/// <summary>CancelRequest: the process id and secret key the server (here: the proxy) handed out in BackendKeyData.</summary>
public readonly record struct CancelRequest(int ProcessId, int SecretKey)
{
    /// <summary>Length (4) + code (4) + pid (4) + key (4).</summary>
    public const int Length = 16;

    public static bool TryRead(in StartupFrame frame, out CancelRequest request)
    {
        request = default;
        var reader = new SequenceReader<byte>(frame.Body);
        if (frame.Packet.Length != Length || !reader.TryReadBigEndian(out int processId) || !reader.TryReadBigEndian(out int secretKey))
        {
            return false;
        }

        request = new CancelRequest(processId, secretKey);
        return true;
    }
}
