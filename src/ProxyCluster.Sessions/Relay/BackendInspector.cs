using System.IO.Pipelines;
using ProxyCluster.Protocol.Backend;
using ProxyCluster.Protocol.Framing;

namespace ProxyCluster.Sessions.Relay;

/// <summary>
/// Watches server-to-client traffic for ReadyForQuery, so the session always knows whether the server is idle and
/// in or out of a transaction — what a pool needs to lend the connection back and a drain needs to end it cleanly.
/// </summary>
public sealed class BackendInspector : IFrameInspector
{
    private int _status = (int)TransactionStatus.Idle;

    public TransactionStatus LastStatus => (TransactionStatus)Volatile.Read(ref _status);

    public bool NeedsWholeMessage(byte code) => code == (byte)BackendCode.ReadyForQuery;

    public FrameDisposition Inspect(in MessageFrame frame, PipeWriter destination)
    {
        Volatile.Write(ref _status, (int)BackendReaders.ReadyForQueryStatus(frame));
        return FrameDisposition.Forward;
    }
}
