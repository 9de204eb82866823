using System.Diagnostics;
using ProxyCluster.Audit;
using ProxyCluster.Sessions.Metrics;
using ProxyCluster.Sessions.Policy;

namespace ProxyCluster.Sessions.Audit;

/// <summary>
/// Pairs the queries a session checked with how the server answered them, for the audit trail and the metrics.
/// The client-side pump records each checked Query, each denied Parse and each Execute (as the statement its
/// portal runs, see <see cref="PreparedStatements"/>), and each Sync, which ends an extended-protocol round; the
/// server-side pump reports results (CommandComplete, EmptyQueryResponse, ErrorResponse) and ReadyForQuery, which
/// closes the oldest round: its statements are then written out with their duration, rows and SQLSTATE. A Query
/// is a round of its own; its results add up (a multi-statement query). In an extended round each entry takes the
/// first result after it.
/// </summary>
public sealed class StatementLedger
{
    /// <summary>Beyond this many unanswered entries (a server that never answers) the oldest are dropped, not kept forever.</summary>
    private const int MaxPending = 4096;

    private readonly SessionIdentity _identity;
    private readonly IAuditWriter? _audit;
    private readonly SessionMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private Entry[] _entries = new Entry[8];

    /// <summary>The closed round, copied out of the lock; only the server-side pump uses it, so it is reused.</summary>
    private Entry[] _closed = new Entry[8];
    private int _head;
    private int _count;

    public StatementLedger(SessionIdentity identity, IAuditWriter? audit, SessionMetrics? metrics, TimeProvider time)
    {
        _identity = identity;
        _audit = audit;
        _metrics = metrics;
        _time = time;
    }

    /// <summary>A Query (<paramref name="isQuery"/>) or Parse was checked; for a denial the client gets its error, not the server's.</summary>
    /// <param name="parameters">An Execute's bound values, only where the route records them.</param>
    public void Checked(in StatementVerdict verdict, bool isQuery, IReadOnlyList<AuditParameter>? parameters = null)
    {
        var facts = verdict.Facts;
        _metrics?.Statement(facts?.KindLabel ?? "unknown", verdict.Allowed);
        Add(new Entry
        {
            Facts = facts,
            Parameters = parameters,
            Allowed = verdict.Allowed,
            SqlState = verdict.Denial?.SqlState,
            EndsRound = isQuery,
            Time = _time.GetUtcNow(),
            Started = Stopwatch.GetTimestamp(),
        });
    }

    /// <summary>The client sent Sync: the extended-protocol round so far ends with the next ReadyForQuery.</summary>
    public void Sync() => Add(new Entry { EndsRound = true, IsMarker = true });

    /// <summary>A statement's result: rows from CommandComplete, or the SQLSTATE of an ErrorResponse.</summary>
    public void Result(long? rows, string? sqlState)
    {
        lock (_lock)
        {
            for (var i = 0; i < _count; i++)
            {
                ref var entry = ref _entries[(_head + i) % _entries.Length];
                if (!entry.IsMarker && !entry.Answered)
                {
                    if (rows is { } count)
                    {
                        entry.Rows = (entry.Rows ?? 0) + count;
                    }

                    // A denial keeps its own 42501: the server's error is to the marker the proxy sent in its place.
                    entry.SqlState ??= sqlState;
                    entry.Answered = !entry.EndsRound; // a Query collects every result until ReadyForQuery
                    return;
                }

                if (entry.EndsRound)
                {
                    return; // the oldest round has no statement waiting for a result (a prepared statement ran)
                }
            }
        }
    }

    /// <summary>ReadyForQuery: the oldest round is over; write its statements out.</summary>
    public void ReadyForQuery()
    {
        var ended = Stopwatch.GetTimestamp();
        var closedCount = 0;
        lock (_lock)
        {
            var roundLength = 0;
            while (roundLength < _count && !_entries[(_head + roundLength) % _entries.Length].EndsRound)
            {
                roundLength++;
            }

            if (roundLength == _count)
            {
                return; // no round has ended yet (the server's first ReadyForQuery, or one the proxy caused)
            }

            roundLength++;
            if (_closed.Length < roundLength)
            {
                _closed = new Entry[Math.Max(roundLength, _closed.Length * 2)];
            }

            for (var i = 0; i < roundLength; i++)
            {
                ref var entry = ref _entries[_head];
                if (!entry.IsMarker)
                {
                    _closed[closedCount++] = entry;
                }

                entry = default;
                _head = (_head + 1) % _entries.Length;
                _count--;
            }
        }

        for (var i = 0; i < closedCount; i++)
        {
            Write(_closed[i], Stopwatch.GetElapsedTime(_closed[i].Started, ended));
            _closed[i] = default;
        }
    }

    private void Add(in Entry entry)
    {
        lock (_lock)
        {
            if (_count == MaxPending)
            {
                _head = (_head + 1) % _entries.Length;
                _count--;
            }

            if (_count == _entries.Length)
            {
                var grown = new Entry[_entries.Length * 2];
                for (var i = 0; i < _count; i++)
                {
                    grown[i] = _entries[(_head + i) % _entries.Length];
                }

                _entries = grown;
                _head = 0;
            }

            _entries[(_head + _count) % _entries.Length] = entry;
            _count++;
        }
    }

    private void Write(in Entry entry, TimeSpan duration)
    {
        _metrics?.StatementDuration.Observe(duration);
        if (_audit is null || entry.Facts is not { } facts)
        {
            return;
        }

        _audit.TryWrite(new StatementAuditRecord
        {
            Time = entry.Time,
            NodeId = _identity.NodeId,
            SessionId = _identity.SessionId,
            TokenId = _identity.TokenId,
            Principal = _identity.Principal,
            ClientAddress = _identity.ClientAddress,
            Database = _identity.Database,
            StatementKinds = facts.StatementKinds,
            Relations = facts.Relations,
            Decision = entry.Allowed ? AuditDecision.Allow : AuditDecision.Deny,
            Rule = facts.Rule,
            Reason = entry.Allowed ? null : facts.Reason,
            DurationMicroseconds = entry.Allowed ? (long)duration.TotalMicroseconds : null,
            Rows = entry.Allowed ? entry.Rows : null,
            SqlState = entry.SqlState,
            NormalizedQuery = facts.NormalizedQuery,
            Fingerprint = facts.Fingerprint,
            Parameters = entry.Parameters,
        });
    }

    private struct Entry
    {
        public StatementAuditFacts? Facts;
        public IReadOnlyList<AuditParameter>? Parameters;
        public bool Allowed;
        public bool EndsRound;
        public bool IsMarker;
        public bool Answered;
        public string? SqlState;
        public long? Rows;
        public DateTimeOffset Time;
        public long Started;
    }
}
