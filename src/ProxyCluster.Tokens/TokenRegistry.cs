using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace ProxyCluster.Tokens;

/// <summary>
/// A node's in-memory replica of the token set. Readers take the current immutable snapshot without locking;
/// writers serialize on a lock and publish a new snapshot with one volatile write, so a reader sees a change
/// whole or not at all. Every mutation goes through <see cref="Publish"/>: that is where applying journal events
/// (issued, scopes changed, rotated, revoked) and notifying live sessions will hook in.
/// </summary>
public sealed class TokenRegistry : ITokenLookup
{
    private readonly Lock _writeLock = new();
    private volatile ImmutableDictionary<string, TokenRecord> _tokens = ImmutableDictionary.Create<string, TokenRecord>(StringComparer.Ordinal);

    public TokenRegistry()
    {
    }

    public TokenRegistry(IEnumerable<TokenRecord> tokens)
    {
        ReplaceAll(tokens);
    }

    public int Count => _tokens.Count;

    /// <summary>The current token set; immutable, so it stays as it was when taken.</summary>
    public IReadOnlyDictionary<string, TokenRecord> Snapshot => _tokens;

    public bool TryGet(string id, [NotNullWhen(true)] out TokenRecord? token)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _tokens.TryGetValue(id, out token);
    }

    /// <summary>Replaces the whole set (a bootstrap file load, a full resync). Duplicate ids leave it unchanged.</summary>
    public void ReplaceAll(IEnumerable<TokenRecord> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var builder = ImmutableDictionary.CreateBuilder<string, TokenRecord>(StringComparer.Ordinal);
        foreach (var token in tokens)
        {
            ArgumentNullException.ThrowIfNull(token, nameof(tokens));
            if (!builder.TryAdd(token.Id, token))
            {
                throw new ArgumentException($"duplicate token id {token.Id}", nameof(tokens));
            }
        }

        var replacement = builder.ToImmutable();
        Publish(_ => replacement);
    }

    /// <summary>Adds the token, or replaces the one with the same id.</summary>
    public void Upsert(TokenRecord token)
    {
        ArgumentNullException.ThrowIfNull(token);
        Publish(current => current.SetItem(token.Id, token));
    }

    /// <summary>Removes the token; false when no token had that id.</summary>
    public bool Remove(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var removed = false;
        Publish(current =>
        {
            var next = current.Remove(id);
            removed = !ReferenceEquals(next, current);
            return next;
        });
        return removed;
    }

    private void Publish(Func<ImmutableDictionary<string, TokenRecord>, ImmutableDictionary<string, TokenRecord>> change)
    {
        lock (_writeLock)
        {
            _tokens = change(_tokens);
        }
    }
}
