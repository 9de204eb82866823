using System.Collections.Immutable;

namespace ProxyCluster.Tokens.Journal;

/// <summary>
/// A node's replica of the token journal: applies events strictly in journal order, skips any it has already
/// applied (so a catch-up that overlaps a notification changes nothing), keeps every token's state, and keeps the
/// <see cref="TokenRegistry"/> the login path reads equal to the set of active tokens. Revocations and expiries
/// are reported through <see cref="TokenEnded"/> so the host can cut the token's live sessions.
/// <para>
/// An event that cannot be applied (an unreadable payload, a transition the fold forbids; the journal's writer
/// prevents both, so this means a bug or a hand-edited table) fails closed for that token only: it stops
/// authenticating, its sessions are cut, and its later events are skipped, while every other token carries on.
/// A missed event (a seq gap) is different: the caller rebuilds with <see cref="Reset"/>.
/// </para>
/// One writer (the replication loop) at a time; readers take immutable snapshots.
/// </summary>
public sealed class TokenReplica
{
    private readonly TokenRegistry _registry;
    private readonly Lock _applyLock = new();
    private volatile ImmutableDictionary<string, TokenState> _states = ImmutableDictionary.Create<string, TokenState>(StringComparer.Ordinal);
    private ImmutableHashSet<string> _poisoned = ImmutableHashSet.Create<string>(StringComparer.Ordinal);
    private long _position;

    public TokenReplica(TokenRegistry registry)
    {
        _registry = registry;
    }

    /// <summary>Raised after a token stops authenticating by an event (revoked or expired), outside the apply lock.</summary>
    public event Action<TokenState>? TokenEnded;

    /// <summary>Raised for an event that could not be applied; its token no longer authenticates.</summary>
    public event Action<TokenEvent, string>? EventRejected;

    /// <summary>The ordering of the last applied event; 0 before the first.</summary>
    public long Position => Volatile.Read(ref _position);

    /// <summary>Every token the journal knows, active or not.</summary>
    public IReadOnlyDictionary<string, TokenState> States => _states;

    /// <summary>
    /// Applies one event. Returns false, changing nothing, when it is at or before <see cref="Position"/> (already
    /// applied). Throws a <see cref="TokenJournalException"/> with <see cref="TokenJournalException.IsGap"/> when an
    /// event of the token was missed: the caller must then rebuild with <see cref="Reset"/>.
    /// </summary>
    public bool Apply(TokenEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        TokenState? current;
        TokenState? next;
        string? rejection;
        bool authenticatedBefore;
        bool authenticatesNow;
        lock (_applyLock)
        {
            if (e.Ordering <= _position)
            {
                return false;
            }

            _states.TryGetValue(e.TokenId, out current);
            authenticatedBefore = current?.Status == TokenStatus.Active && !_poisoned.Contains(e.TokenId);
            (next, rejection) = Fold(_poisoned, current, e);
            if (rejection is not null)
            {
                _poisoned = _poisoned.Add(e.TokenId);
            }

            if (next is not null)
            {
                _states = _states.SetItem(e.TokenId, next);
            }

            authenticatesNow = next?.Status == TokenStatus.Active && !_poisoned.Contains(e.TokenId);
            if (authenticatesNow)
            {
                _registry.Upsert(next!.Record);
            }
            else
            {
                _registry.Remove(e.TokenId);
            }

            Volatile.Write(ref _position, e.Ordering);
        }

        if (rejection is not null)
        {
            EventRejected?.Invoke(e, rejection);
        }

        if (authenticatedBefore && !authenticatesNow)
        {
            TokenEnded?.Invoke(next ?? current!);
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
        var poisoned = ImmutableHashSet.Create<string>(StringComparer.Ordinal);
        var rejected = new List<(TokenEvent Event, string Reason)>();
        long position = 0;
        foreach (var e in events)
        {
            if (e.Ordering <= position)
            {
                throw new TokenJournalException($"journal out of order at {e.Ordering}");
            }

            states.TryGetValue(e.TokenId, out var current);
            var (next, rejection) = Fold(poisoned, current, e, gapIsRejection: true);
            if (rejection is not null)
            {
                poisoned = poisoned.Add(e.TokenId);
                rejected.Add((e, rejection));
            }

            if (next is not null)
            {
                states[e.TokenId] = next;
            }

            position = e.Ordering;
        }

        List<TokenState> ended = [];
        lock (_applyLock)
        {
            foreach (var (id, before) in _states)
            {
                var stillActive = states.TryGetValue(id, out var after) && after.Status == TokenStatus.Active && !poisoned.Contains(id);
                if (before.Status == TokenStatus.Active && !stillActive)
                {
                    ended.Add(after ?? before);
                }
            }

            _states = states.ToImmutableDictionary(StringComparer.Ordinal);
            _poisoned = poisoned;
            var active = new List<TokenRecord>(states.Count);
            foreach (var state in states.Values)
            {
                if (state.Status == TokenStatus.Active && !poisoned.Contains(state.Id))
                {
                    active.Add(state.Record);
                }
            }

            _registry.ReplaceAll(active);
            Volatile.Write(ref _position, position);
        }

        foreach (var (e, reason) in rejected)
        {
            EventRejected?.Invoke(e, reason);
        }

        foreach (var state in ended)
        {
            TokenEnded?.Invoke(state);
        }
    }

    /// <summary>
    /// The state after <paramref name="e"/> and, when it could not be applied, why. A gap throws unless
    /// <paramref name="gapIsRejection"/> (during a rebuild from the whole journal a gap cannot be fixed by reading again).
    /// </summary>
    private static (TokenState? Next, string? Rejection) Fold(ImmutableHashSet<string> poisoned, TokenState? current, TokenEvent e, bool gapIsRejection = false)
    {
        if (poisoned.Contains(e.TokenId))
        {
            return (current, null); // already failed closed; later events cannot make it trustworthy again
        }

        try
        {
            return (TokenFold.Apply(current, e), null);
        }
        catch (TokenJournalException exception) when (!exception.IsGap || gapIsRejection)
        {
            return (current, exception.Message);
        }
    }
}
