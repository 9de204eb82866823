using System.Buffers;
using System.Text;
using ProxyCluster.Audit;
using ProxyCluster.Sessions.Policy;

namespace ProxyCluster.Sessions.Audit;

/// <summary>
/// What each prepared statement and portal of a session will run, so every Execute is audited as its statement,
/// also when the statement was prepared in an earlier round (Parse once, Bind/Execute many times, as drivers do).
/// Only statements the policy allowed are known: a denied Parse never creates the statement upstream. Names are
/// looked up from the message bytes without allocating a string per Bind or Execute. For a route that records
/// parameter values, each Bind's values are read too (that costs their strings, and only there).
/// </summary>
public sealed class PreparedStatements
{
    /// <summary>Portal and statement names longer than this are not followed (they are short in practice).</summary>
    private const int MaxNameBytes = 512;

    /// <summary>How much of a Bind the relay shows us when values are recorded: names, format codes and the first values.</summary>
    private const int ValuesPeekLength = 8 * 1024;

    /// <summary>Beyond this many named statements (a client that never closes them) the oldest knowledge is dropped.</summary>
    private const int MaxStatements = 16_384;

    private readonly Dictionary<string, Statement> _statements = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BoundPortal> _portals = new(StringComparer.Ordinal);
    private readonly bool _recordValues;

    public PreparedStatements(bool recordParameterValues = false) => _recordValues = recordParameterValues;

    /// <summary>How many of a Bind's first bytes (header included) <see cref="Bound"/> needs to see.</summary>
    public int BindPeekLength => _recordValues ? ValuesPeekLength : 5 + (2 * MaxNameBytes);

    /// <summary>A Parse the policy allowed (null facts: denied, so the server will not have the statement).</summary>
    /// <param name="parseBody">The Parse's body, for the parameter types it names (read only when values are recorded).</param>
    public void Prepared(string statementName, StatementAuditFacts? facts, in ReadOnlySequence<byte> parseBody = default)
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

        _statements[statementName] = new Statement(facts, _recordValues ? ParameterTypes(parseBody) : []);
    }

    /// <summary>The start of a Bind (header included): the portal now runs the named statement, with these values.</summary>
    public void Bound(in ReadOnlySequence<byte> prefix)
    {
        var length = (int)Math.Min(prefix.Length, BindPeekLength);
        if (prefix.IsSingleSegment)
        {
            var message = prefix.FirstSpan[..length];
            Bound(message, IsWhole(message));
            return;
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            prefix.Slice(0, length).CopyTo(rented);
            var message = rented.AsSpan(0, length);
            Bound(message, IsWhole(message));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>What an Execute (its whole body) runs; null facts when the portal's statement is not known.</summary>
    public BoundPortal Executed(in ReadOnlySequence<byte> body)
    {
        Span<byte> bytes = stackalloc byte[MaxNameBytes + 1];
        var length = (int)Math.Min(body.Length, bytes.Length);
        body.Slice(0, length).CopyTo(bytes);
        var end = bytes[..length].IndexOf((byte)0);
        return end < 0 ? default : Find(_portals, bytes[..end]);
    }

    private void Bound(ReadOnlySpan<byte> message, bool isWhole)
    {
        var body = message[5..];
        var portalEnd = body[..Math.Min(body.Length, MaxNameBytes + 1)].IndexOf((byte)0);
        if (portalEnd < 0)
        {
            return;
        }

        var afterPortal = body[(portalEnd + 1)..];
        var statementEnd = afterPortal[..Math.Min(afterPortal.Length, MaxNameBytes + 1)].IndexOf((byte)0);
        if (statementEnd < 0)
        {
            return; // names longer than we look at: this portal's executions go unrecorded
        }

        var portal = body[..portalEnd];
        var statement = Find(_statements, afterPortal[..statementEnd]);
        if (statement is null)
        {
            Remove(_portals, portal);
            return;
        }

        var values = _recordValues ? BindParameters.Read(afterPortal[(statementEnd + 1)..], isWhole, statement.ParameterTypes) : null;
        _portals[portalEnd == 0 ? string.Empty : Encoding.UTF8.GetString(portal)] = new BoundPortal(statement.Facts, values);
    }

    /// <summary>A Parse's parameter type OIDs (after its name and query); none when it names none or is cut short.</summary>
    private static uint[] ParameterTypes(in ReadOnlySequence<byte> parseBody)
    {
        var reader = new SequenceReader<byte>(parseBody);
        if (!reader.TryAdvanceTo(0) || !reader.TryAdvanceTo(0) || !reader.TryReadBigEndian(out short count) || count <= 0)
        {
            return [];
        }

        var types = new uint[count];
        for (var i = 0; i < count; i++)
        {
            if (!reader.TryReadBigEndian(out int type))
            {
                return [];
            }

            types[i] = (uint)type;
        }

        return types;
    }

    /// <summary>True when the bytes hold the whole message its header announces.</summary>
    private static bool IsWhole(ReadOnlySpan<byte> message) =>
        message.Length >= 5 && System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(message[1..]) + 1 <= message.Length;

    private static T? Find<T>(Dictionary<string, T> names, ReadOnlySpan<byte> utf8Name)
    {
        Span<char> name = stackalloc char[MaxNameBytes];
        var chars = Encoding.UTF8.GetChars(utf8Name, name);
        return names.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name[..chars], out var found) ? found : default;
    }

    private static void Remove<T>(Dictionary<string, T> names, ReadOnlySpan<byte> utf8Name)
    {
        Span<char> name = stackalloc char[MaxNameBytes];
        var chars = Encoding.UTF8.GetChars(utf8Name, name);
        names.GetAlternateLookup<ReadOnlySpan<char>>().Remove(name[..chars]);
    }

    /// <summary>An allowed prepared statement: what it is, and the parameter types its Parse named.</summary>
    private sealed record Statement(StatementAuditFacts Facts, uint[] ParameterTypes);
}
