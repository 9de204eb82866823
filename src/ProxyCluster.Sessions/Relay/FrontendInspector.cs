using System.Buffers;
using System.IO.Pipelines;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Framing;
using ProxyCluster.Protocol.Frontend;
using ProxyCluster.Sessions.Audit;
using ProxyCluster.Sessions.Policy;

namespace ProxyCluster.Sessions.Relay;

/// <summary>
/// Watches client-to-server traffic. It always sees <c>Terminate</c> (the relay stops after forwarding it). With a
/// statement gate it also reads every <c>Query</c>, <c>Parse</c> and <c>FunctionCall</c> whole and lets through only
/// what the gate allows; a denied one is replaced by a marker statement that makes the server fail in its place
/// (<see cref="DenialMarkers"/>). With a statement ledger (audit, metrics) it also reads Sync and Execute whole and
/// the start of each Bind, so that every execution of a prepared statement is recorded as that statement (with its
/// bound values, for a route that asks for them). Every
/// other message streams through untouched and unread.
/// </summary>
public sealed class FrontendInspector : IFrameInspector
{
    private readonly IStatementGate? _gate;
    private readonly DenialMarkers _markers;
    private readonly StatementLedger? _ledger;
    private readonly PreparedStatements? _prepared;

    /// <summary>The statement name and SQL of the message <see cref="Inspect"/> deferred (one at a time: the pump awaits it).</summary>
    private (string StatementName, string Sql) _deferred;

    /// <param name="recordParameterValues">The route asks for each execution's bound values in the audit trail.</param>
    public FrontendInspector(IStatementGate? gate, DenialMarkers markers, int maxInspectedMessageLength, StatementLedger? ledger = null, bool recordParameterValues = false)
    {
        _gate = gate;
        _markers = markers;
        _ledger = ledger;
        _prepared = ledger is not null && gate is not null ? new PreparedStatements(recordParameterValues) : null;
        MaxWholeMessageLength = maxInspectedMessageLength;
    }

    public int MaxWholeMessageLength { get; }

    public bool NeedsWholeMessage(byte code) =>
        code == (byte)FrontendCode.Terminate
        || (code == (byte)FrontendCode.Sync && _ledger is not null)
        || (code == (byte)FrontendCode.Execute && _prepared is not null)
        || (_gate is not null && code is (byte)FrontendCode.Query or (byte)FrontendCode.Parse or (byte)FrontendCode.FunctionCall);

    public FrameDisposition Inspect(in MessageFrame frame, PipeWriter destination)
    {
        if (frame.Code == (byte)FrontendCode.Terminate)
        {
            return FrameDisposition.ForwardAndStop;
        }

        if (frame.Code == (byte)FrontendCode.Sync)
        {
            _ledger!.Sync();
            return FrameDisposition.Forward;
        }

        if (frame.Code == (byte)FrontendCode.Execute)
        {
            // Every Execute takes the next result, known statement or not, so results stay paired with their entries.
            var portal = _prepared!.Executed(frame.Body);
            _ledger!.Checked(StatementVerdict.Allow with { Facts = portal.Facts }, isQuery: false, portal.Parameters);
            return FrameDisposition.Forward;
        }

        var gate = _gate!;
        if (frame.Code == (byte)FrontendCode.FunctionCall)
        {
            // Answered like a failed call: an error, then ReadyForQuery.
            var refused = gate.FunctionCall();
            _ledger?.Checked(refused, isQuery: true);
            FrontendMessages.WriteQuery(destination, _markers.Register(refused.Denial!));
            return FrameDisposition.Handled;
        }

        if (!TryReadSql(frame, out var statementName, out var sql))
        {
            return Apply(frame, statementName, gate.Undecodable(), destination);
        }

        if (gate.TryCheck(sql, out var verdict))
        {
            return Apply(frame, statementName, verdict, destination);
        }

        _deferred = (statementName, sql); // decoded once; InspectAsync continues from here
        return FrameDisposition.Deferred;
    }

    public async ValueTask<FrameDisposition> InspectAsync(MessageFrame frame, PipeWriter destination)
    {
        var (statementName, sql) = _deferred;
        _deferred = default;
        var verdict = await _gate!.CheckAsync(sql).ConfigureAwait(false);
        return Apply(frame, statementName, verdict, destination);
    }

    public bool ReplaceOversized(byte code, PipeWriter destination)
    {
        var denial = PostgresError.Error(
            SqlState.InsufficientPrivilege,
            $"statement is too long to be checked by the proxy (limit {MaxWholeMessageLength} bytes)");
        _ledger?.Checked(StatementVerdict.Deny(denial) with { Facts = StatementAuditFacts.Unreadable("statement too long to be checked") }, code != (byte)FrontendCode.Parse);
        Replace(code, string.Empty, denial, destination);
        return true;
    }

    private static bool TryReadSql(in MessageFrame frame, out string statementName, out string sql)
    {
        if (frame.Code == (byte)FrontendCode.Parse)
        {
            return FrontendReaders.TryReadParse(frame.Body, out statementName, out sql);
        }

        statementName = string.Empty;
        return FrontendReaders.TryReadQuery(frame.Body, out sql);
    }

    public int PeekLength(byte code) => _prepared is not null && code == (byte)FrontendCode.Bind ? _prepared.BindPeekLength : 0;

    public void Peek(byte code, in ReadOnlySequence<byte> prefix) => _prepared!.Bound(prefix);

    private FrameDisposition Apply(in MessageFrame frame, string statementName, StatementVerdict verdict, PipeWriter destination)
    {
        var code = frame.Code;
        if (code == (byte)FrontendCode.Parse && _prepared is not null)
        {
            // An allowed statement is recorded when it is executed; a denied one now, as the error its Parse gets.
            _prepared.Prepared(statementName, verdict.Allowed ? verdict.Facts : null, frame.Body);
            if (!verdict.Allowed)
            {
                _ledger!.Checked(verdict, isQuery: false);
            }
        }
        else
        {
            _ledger?.Checked(verdict, code != (byte)FrontendCode.Parse);
        }

        if (verdict.Allowed)
        {
            return FrameDisposition.Forward;
        }

        Replace(code, statementName, verdict.Denial!, destination);
        return FrameDisposition.Handled;
    }

    /// <summary>A Parse stays a Parse (same statement name) and a Query a Query, so the server's answer has the shape the client expects.</summary>
    private void Replace(byte code, string statementName, PostgresError denial, PipeWriter destination)
    {
        var marker = _markers.Register(denial);
        if (code == (byte)FrontendCode.Parse)
        {
            FrontendMessages.WriteParse(destination, statementName, marker);
        }
        else
        {
            FrontendMessages.WriteQuery(destination, marker);
        }
    }
}
