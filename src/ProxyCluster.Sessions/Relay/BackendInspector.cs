using System.Buffers;
using System.IO.Pipelines;
using ProxyCluster.Protocol.Backend;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Framing;
using ProxyCluster.Sessions.Audit;

namespace ProxyCluster.Sessions.Relay;

/// <summary>
/// Watches server-to-client traffic. ParameterStatus is read to keep the settings the proxy depends on pinned
/// (rare: the server sends it only when a reported setting changes). While a denial is outstanding, ErrorResponses
/// are read too, to put the policy's error in place of the server's answer to the marker statement. With a
/// statement ledger (audit, metrics) the short result messages are read as well: CommandComplete, EmptyQueryResponse,
/// ErrorResponse and ReadyForQuery. Everything else, rows included, streams through unread.
/// </summary>
public sealed class BackendInspector : IFrameInspector
{
    private readonly DenialMarkers _markers;
    private readonly StatementLedger? _ledger;

    /// <summary>Enough for the severity fields and the SQLSTATE, which PostgreSQL sends before the message.</summary>
    private const int ErrorPeekLength = MessageFrame.HeaderLength + 256;

    private readonly Func<long> _bytesToServer;

    // The session starts idle: the greeting's ReadyForQuery ('I') is the proxy's own, and nothing was sent yet.
    private int _lastStatus = (int)TransactionStatus.Idle;
    private long _bytesToServerAtLastReady;
    private volatile bool _stopWhenIdle;

    /// <param name="bytesToServer">How many bytes the client has sent the server so far (the other pump's count).</param>
    public BackendInspector(DenialMarkers markers, StatementLedger? ledger = null, Func<long>? bytesToServer = null)
    {
        _markers = markers;
        _ledger = ledger;
        _bytesToServer = bytesToServer ?? (static () => 0);
    }

    /// <summary>
    /// Idle: the server's last ReadyForQuery said no transaction, and the client has sent nothing since. A query
    /// sent in the same instant may not be counted yet; cutting then is what a server's own shutdown does too.
    /// </summary>
    public bool IsIdle =>
        Volatile.Read(ref _lastStatus) == (int)TransactionStatus.Idle && _bytesToServer() == Volatile.Read(ref _bytesToServerAtLastReady);

    /// <summary>Set when the relay stopped after a ReadyForQuery because the session was draining.</summary>
    public bool StoppedForDrain { get; private set; }

    /// <summary>From now on, the next ReadyForQuery outside a transaction is forwarded and then the relay stops.</summary>
    public void StopWhenIdle() => _stopWhenIdle = true;

    /// <summary>
    /// The answer to a marker is a short error; a long one (a constraint violation quoting a large row) cannot be
    /// ours and streams through rather than being buffered.
    /// </summary>
    public int MaxWholeMessageLength => 16 * 1024;

    public bool NeedsWholeMessage(byte code) =>
        code is (byte)BackendCode.ParameterStatus or (byte)BackendCode.ReadyForQuery
        || (code == (byte)BackendCode.ErrorResponse && (_markers.HasPending || _ledger is not null))
        || (_ledger is not null && code is (byte)BackendCode.CommandComplete or (byte)BackendCode.EmptyQueryResponse);

    /// <summary>Set when the session ended because the server reported a setting the proxy must keep pinned.</summary>
    public string? PinnedSettingChanged { get; private set; }

    public FrameDisposition Inspect(in MessageFrame frame, PipeWriter destination)
    {
        switch (frame.Code)
        {
            case (byte)BackendCode.ParameterStatus:
                return CheckPinnedSetting(frame, destination);
            case (byte)BackendCode.ReadyForQuery:
                return ReadyForQuery(frame);
            case (byte)BackendCode.CommandComplete:
                _ledger!.Result(CommandTags.RowCount(frame.Body), null);
                return FrameDisposition.Forward;
            case (byte)BackendCode.EmptyQueryResponse:
                _ledger!.Result(null, null);
                return FrameDisposition.Forward;
        }

        if (!ErrorResponseReader.TryRead(frame.Body, out var error))
        {
            // Still a statement's result: without it the ledger would pair later results with the wrong statements.
            _ledger?.Result(null, SqlState.InternalError);
            return FrameDisposition.Forward;
        }

        _ledger?.Result(null, error!.SqlState);
        if (_markers.HasPending && _markers.TakeReplacement(error!) is { } denial)
        {
            BackendMessages.WriteErrorResponse(destination, denial);
            return FrameDisposition.Handled;
        }

        return FrameDisposition.Forward;
    }

    public bool ReplaceOversized(byte code, PipeWriter destination) => false;

    /// <summary>Every ReadyForQuery is read (six bytes): its status says whether the session is idle, for a drain.</summary>
    private FrameDisposition ReadyForQuery(in MessageFrame frame)
    {
        _ledger?.ReadyForQuery();
        var status = BackendReaders.ReadyForQueryStatus(frame);
        Volatile.Write(ref _bytesToServerAtLastReady, _bytesToServer());
        Volatile.Write(ref _lastStatus, (int)status);
        if (_stopWhenIdle && status == TransactionStatus.Idle)
        {
            StoppedForDrain = true;
            return FrameDisposition.ForwardAndStop;
        }

        return FrameDisposition.Forward;
    }

    /// <summary>
    /// An ErrorResponse longer than <see cref="MaxWholeMessageLength"/> (a message quoting a large value) streams
    /// through, but the ledger still needs it as the statement's result: its start gives the SQLSTATE.
    /// </summary>
    public int PeekLength(byte code) => _ledger is not null && code == (byte)BackendCode.ErrorResponse ? ErrorPeekLength : 0;

    public void Peek(byte code, in ReadOnlySequence<byte> prefix) =>
        _ledger!.Result(null, ErrorResponseReader.TryReadSqlState(prefix.Slice(MessageFrame.HeaderLength), out var sqlState) ? sqlState : SqlState.InternalError);

    /// <summary>
    /// The proxy reads every query as UTF-8 with standard-conforming strings. If the server reports that either
    /// changed (set_config under a policy that does not check functions, a function's SET clause), the proxy could
    /// no longer read queries as the server does, so the session ends before the client sends another.
    /// </summary>
    private FrameDisposition CheckPinnedSetting(in MessageFrame frame, PipeWriter destination)
    {
        if (!BackendReaders.TryReadParameterStatus(frame.Body, out var name, out var value))
        {
            return FrameDisposition.Forward;
        }

        var pinned = name switch
        {
            "client_encoding" => value == "UTF8",
            "standard_conforming_strings" => value == "on",
            _ => true,
        };
        if (pinned)
        {
            return FrameDisposition.Forward;
        }

        PinnedSettingChanged = name;
        BackendMessages.WriteErrorResponse(destination, PostgresError.Fatal(
            SqlState.InsufficientPrivilege,
            $"terminating connection because {name} was changed to \"{value}\"",
            detail: "The proxy requires client_encoding UTF8 and standard_conforming_strings on."));
        return FrameDisposition.HandledAndStop;
    }

    public ValueTask<FrameDisposition> InspectAsync(MessageFrame frame, PipeWriter destination) =>
        throw new InvalidOperationException("server messages are always inspected synchronously");
}
