namespace ProxyCluster.Protocol.Scram;

/// <summary>
/// Walks the comma-separated <c>a=value</c> attributes of a SCRAM message without copying. A value runs to the next
/// comma: no SCRAM value may contain one (usernames escape it as "=2C").
/// </summary>
internal ref struct ScramAttributeReader
{
    private readonly ReadOnlySpan<byte> _message;

    public ScramAttributeReader(ReadOnlySpan<byte> message)
    {
        _message = message;
        Position = 0;
        IsAtEnd = message.IsEmpty;
    }

    /// <summary>Offset of the next attribute; the comma before it, if any, is at <c>Position - 1</c>.</summary>
    public int Position { get; private set; }

    public bool IsAtEnd { get; private set; }

    /// <summary>Reads the next attribute, whatever its name. False at the end or when it is not <c>ALPHA "=" value</c>.</summary>
    public bool TryRead(out byte name, out ReadOnlySpan<byte> value)
    {
        name = 0;
        value = default;
        if (IsAtEnd)
        {
            return false;
        }

        var rest = _message[Position..];
        var comma = rest.IndexOf((byte)',');
        var attribute = comma < 0 ? rest : rest[..comma];
        if (attribute.Length < 2 || !char.IsAsciiLetter((char)attribute[0]) || attribute[1] != (byte)'=')
        {
            return false;
        }

        name = attribute[0];
        value = attribute[2..];
        if (comma < 0)
        {
            Position = _message.Length;
            IsAtEnd = true;
        }
        else
        {
            // A trailing comma leaves an empty attribute behind it, which the next read rejects.
            Position += comma + 1;
        }

        return true;
    }

    /// <summary>Reads the next attribute and requires it to be <paramref name="expected"/>.</summary>
    public bool TryRead(char expected, out ReadOnlySpan<byte> value) =>
        TryRead(out var name, out value) && name == (byte)expected;

    /// <summary>True when the next attribute is named <paramref name="name"/>; reads nothing.</summary>
    public readonly bool NextIs(char name) =>
        !IsAtEnd && _message.Length - Position >= 2 && _message[Position] == (byte)name && _message[Position + 1] == (byte)'=';
}
