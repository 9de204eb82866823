using System.Buffers;
using System.Text;
using ProxyCluster.Sessions.Policy;

namespace ProxyCluster.Sessions.Audit;

/// <summary>
/// What each prepared statement and portal of a session will run, so every Execute is audited as its statement,
/// also when the statement was prepared in an earlier round (Parse once, Bind/Execute many times, as drivers do).
/// Only statements the policy allowed are known: a denied Parse never creates the statement upstream. Names are
/// looked up from the message bytes without allocating a string per Bind or Execute.
/// </summary>
public sealed class PreparedStatements
{
    /// <summary>How much of a Bind the relay shows us: its header and the two names, which are short in practice.</summary>
    public const int BindPeekLength = 5 + 512;

    /// <summary>Beyond this many named statements (a client that never closes them) the oldest knowledge is dropped.</summary>
    private const int MaxStatements = 16_384;

    private readonly Dictionary<string, StatementAuditFacts> _statements = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StatementAuditFacts> _portals = new(StringComparer.Ordinal);

    /// <summary>A Parse the policy allowed.</summary>
    public void Prepared(string statementName, StatementAuditFacts? facts)
    {
        if (facts is null)
        {
            _statements.Remove(statementName);
            return;
        }

        if (_statements.Count >= MaxStatements && !_statements.ContainsKey(statementName))
        {
            _statements.Clear();
        }

        _statements[statementName] = facts;
    }

    /// <summary>The start of a Bind (header included): the portal now runs the named statement.</summary>
    public void Bound(in ReadOnlySequence<byte> prefix)
    {
        Span<byte> bytes = stackalloc byte[BindPeekLength];
        var length = (int)Math.Min(prefix.Length, bytes.Length);
        prefix.Slice(0, length).CopyTo(bytes);
        var body = bytes[5..length];
        var portalEnd = body.IndexOf((byte)0);
        if (portalEnd < 0)
        {
            return;
        }

        var statement = body[(portalEnd + 1)..];
        var statementEnd = statement.IndexOf((byte)0);
        if (statementEnd < 0)
        {
            return; // names longer than we look at: this portal's executions go unrecorded
        }

        var portal = body[..portalEnd];
        if (Find(_statements, statement[..statementEnd]) is { } facts)
        {
            _portals[portalEnd == 0 ? string.Empty : Encoding.UTF8.GetString(portal)] = facts;
        }
        else
        {
            Remove(_portals, portal);
        }
    }

    /// <summary>What an Execute (its whole body) runs; null when the portal's statement is not known.</summary>
    public StatementAuditFacts? Executed(in ReadOnlySequence<byte> body)
    {
        Span<byte> bytes = stackalloc byte[BindPeekLength];
        var length = (int)Math.Min(body.Length, bytes.Length);
        body.Slice(0, length).CopyTo(bytes);
        var end = bytes[..length].IndexOf((byte)0);
        return end < 0 ? null : Find(_portals, bytes[..end]);
    }

    private static StatementAuditFacts? Find(Dictionary<string, StatementAuditFacts> names, ReadOnlySpan<byte> utf8Name)
    {
        Span<char> name = stackalloc char[BindPeekLength];
        var chars = Encoding.UTF8.GetChars(utf8Name, name);
        return names.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name[..chars], out var facts) ? facts : null;
    }

    private static void Remove(Dictionary<string, StatementAuditFacts> names, ReadOnlySpan<byte> utf8Name)
    {
        Span<char> name = stackalloc char[BindPeekLength];
        var chars = Encoding.UTF8.GetChars(utf8Name, name);
        names.GetAlternateLookup<ReadOnlySpan<char>>().Remove(name[..chars]);
    }
}
