using System.Collections.Concurrent;
using ProxyCluster.Protocol.Errors;

namespace ProxyCluster.Sessions.Lifecycle;

/// <summary>
/// The node's live sessions, by id and by token, so that revoking or expiring a token reaches every session that
/// uses it on this node, and an operator can list and kill sessions. Registration happens once per connection,
/// so the by-token index is kept under a plain lock rather than a lock-free structure with removal races.
/// </summary>
public sealed class SessionRegistry
{
    private readonly ConcurrentDictionary<long, SessionHandle> _sessions = new();
    private readonly Dictionary<string, HashSet<SessionHandle>> _byToken = new(StringComparer.Ordinal);
    private readonly Lock _byTokenLock = new();
    private long _lastId;

    public int Count => _sessions.Count;

    public long NextId() => Interlocked.Increment(ref _lastId);

    public void Register(SessionHandle session)
    {
        _sessions[session.Id] = session;
        lock (_byTokenLock)
        {
            if (!_byToken.TryGetValue(session.TokenId, out var ofToken))
            {
                _byToken[session.TokenId] = ofToken = [];
            }

            ofToken.Add(session);
        }
    }

    public void Unregister(SessionHandle session)
    {
        session.Close();
        _sessions.TryRemove(session.Id, out _);
        lock (_byTokenLock)
        {
            if (_byToken.TryGetValue(session.TokenId, out var ofToken) && ofToken.Remove(session) && ofToken.Count == 0)
            {
                _byToken.Remove(session.TokenId);
            }
        }
    }

    public IReadOnlyList<SessionHandle> Snapshot() => [.. _sessions.Values];

    public IReadOnlyList<SessionHandle> SessionsOf(string tokenId)
    {
        lock (_byTokenLock)
        {
            return _byToken.TryGetValue(tokenId, out var ofToken) ? [.. ofToken] : [];
        }
    }

    /// <summary>The ids of the tokens that have at least one live session on this node.</summary>
    public IReadOnlyList<string> TokensWithSessions()
    {
        lock (_byTokenLock)
        {
            return [.. _byToken.Keys];
        }
    }

    public bool TryGet(long sessionId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SessionHandle? session) =>
        _sessions.TryGetValue(sessionId, out session);

    public bool Terminate(long sessionId, PostgresError error, string reason) =>
        _sessions.TryGetValue(sessionId, out var session) && session.Post(new TerminateSession(error, reason));

    /// <summary>Asks every live session of a token to end; returns how many were asked.</summary>
    public int TerminateToken(string tokenId, PostgresError error, string reason)
    {
        var asked = 0;
        foreach (var session in SessionsOf(tokenId))
        {
            asked += session.Post(new TerminateSession(error, reason)) ? 1 : 0;
        }

        return asked;
    }
}
