using System.Collections.Immutable;

namespace ProxyCluster.Tokens.Journal;

/// <summary>
/// A node's replica of the token journal: applies events strictly in journal order, skips any it has already
/// applied (so a catch-up that overlaps a notification changes nothing), keeps every token's state, and keeps the
/// <see cref="TokenRegistry"/> the login path reads equal to the set of active tokens. Revocations and expiries
/// are reported through <see cref="TokenEnded"/> so the host can cut the token's live sessions.
/// One writer (the replication loop) at a time; readers take immutable snapshots.
/// </summary>
public sealed class TokenReplica
{
    private readonly TokenRegistry _registry;
    private readonly Lock _applyLock = new();
    private volatile ImmutableDictionary<string, TokenState> _states = ImmutableDictionary.Create<string, TokenState>(StringComparer.Ordinal);
    private long _position;

    public TokenReplica(TokenRegistry registry)
    {
        _registry = registry;
    }

    /// <summary>Raised after a token stops authenticating by an event (revoked or expired), outside the apply lock.</summary>
    public event Action<TokenState>? TokenEnded;

    /// <summary>The ordering of the last applied event; 0 before the first.</summary>
    public long Position => Volatile.Read(ref _position);

    /// <summary>Every token the journal knows, active or not.</summary>
    public IReadOnlyDictionary<string, TokenState> States => _states;

    /// <summary>
    /// Applies one event. Returns false, changing nothing, when it is at or before <see cref="Position"/> (already
    /// applied). Throws <see cref="TokenJournalException"/> when the event cannot follow the token's state (a
    /// missed event): the caller must then rebuild from the start with <see cref="Reset"/>.
    /// </summary>
    public bool Apply(TokenEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        TokenState? current;
        TokenState next;
        lock (_applyLock)
        {
            if (e.Ordering <= _position)
            {
                return false;
            }

            _states.TryGetValue(e.TokenId, out current);
            next = TokenFold.Apply(current, e);
            _states = _states.SetItem(e.TokenId, next);
            if (next.Status == TokenStatus.Active)
            {
                _registry.Upsert(next.Record);
            }
            else
            {
                _registry.Remove(e.TokenId);
            }

            Volatile.Write(ref _position, e.Ordering);
        }

        if (next.Status != TokenStatus.Active && current?.Status == TokenStatus.Active)
        {
            TokenEnded?.Invoke(next);
        }

        return true;
    }

    /// <summary>
    /// Replaces everything with the fold of <paramref name="events"/> (a whole journal, in order) — the recovery
    /// after a missed event. Tokens that were active and are not any more are reported through <see cref="TokenEnded"/>.
    /// </summary>
    public void Reset(IEnumerable<TokenEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var states = new Dictionary<string, TokenState>(StringComparer.Ordinal);
        long position = 0;
        foreach (var e in events)
        {
            if (e.Ordering <= position)
            {
                throw new TokenJournalException($"journal out of order at {e.Ordering}");
            }

            states.TryGetValue(e.TokenId, out var current);
            states[e.TokenId] = TokenFold.Apply(current, e);
            position = e.Ordering;
        }

        List<TokenState> ended = [];
        lock (_applyLock)
        {
            foreach (var (id, before) in _states)
            {
                if (before.Status == TokenStatus.Active && (!states.TryGetValue(id, out var after) || after.Status != TokenStatus.Active))
                {
                    ended.Add(states.TryGetValue(id, out var known) ? known : before with { Status = TokenStatus.Revoked });
                }
            }

            _states = states.ToImmutableDictionary(StringComparer.Ordinal);
            var active = new List<TokenRecord>(states.Count);
            foreach (var state in states.Values)
            {
                if (state.Status == TokenStatus.Active)
                {
                    active.Add(state.Record);
                }
            }

            _registry.ReplaceAll(active);
            Volatile.Write(ref _position, position);
        }

        foreach (var state in ended)
        {
            TokenEnded?.Invoke(state);
        }
    }
}
