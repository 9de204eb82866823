using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace ProxyCluster.Policy.Compilation;

/// <summary>
/// A name in a policy document, read the way PostgreSQL reads an identifier: unquoted parts fold to lower case
/// (ASCII only, as the server does for UTF-8), <c>"Quoted"</c> parts keep their case, and every part is cut to
/// 63 bytes like the server's identifiers. A part may be <c>*</c> where a pattern allows it.
/// </summary>
/// <param name="Schema">Null when the name is unqualified (or is <c>*</c>).</param>
/// <param name="Name">Null for <c>*</c>.</param>
internal readonly record struct SqlName(string? Schema, string? Name)
{
    private const int MaxIdentifierBytes = 63;

    public bool IsEverything => Schema is null && Name is null;

    public bool IsSchemaWildcard => Schema is not null && Name is null;

    /// <summary>Parses <c>name</c>, <c>schema.name</c>, and (with <paramref name="allowWildcard"/>) <c>*</c> and <c>schema.*</c>.</summary>
    public static bool TryParse(string text, bool allowWildcard, out SqlName name, [NotNullWhen(false)] out string? error)
    {
        name = default;
        var parts = new List<(string Value, bool Star)>(2);
        var span = text.AsSpan().Trim();
        var i = 0;
        while (true)
        {
            if (i >= span.Length)
            {
                error = "is empty or ends with a dot";
                return false;
            }

            if (span[i] == '"')
            {
                var builder = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= span.Length)
                    {
                        error = "has an unterminated quoted identifier";
                        return false;
                    }

                    if (span[i] == '"')
                    {
                        if (i + 1 < span.Length && span[i + 1] == '"')
                        {
                            builder.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    builder.Append(span[i++]);
                }

                if (builder.Length == 0)
                {
                    error = "has an empty quoted identifier";
                    return false;
                }

                parts.Add((Truncate(builder.ToString()), false));
            }
            else
            {
                var start = i;
                while (i < span.Length && span[i] != '.')
                {
                    i++;
                }

                var part = span[start..i];
                if (part is "*")
                {
                    parts.Add(("*", true));
                }
                else if (!IsPlainIdentifier(part))
                {
                    error = $"has \"{part}\", which is not an identifier (quote it with \" if it is one)";
                    return false;
                }
                else
                {
                    parts.Add((Truncate(FoldAscii(part)), false));
                }
            }

            if (i == span.Length)
            {
                break;
            }

            if (span[i] != '.')
            {
                error = "has text after a quoted identifier";
                return false;
            }

            i++;
        }

        if (parts.Count > 2)
        {
            error = "has more than two parts (write schema.name)";
            return false;
        }

        if (parts[0].Star && parts.Count == 2)
        {
            error = "has * as the schema (write * alone for everything)";
            return false;
        }

        var last = parts[^1];
        if (last.Star && !allowWildcard)
        {
            error = "may not be a wildcard";
            return false;
        }

        name = parts.Count == 1
            ? new SqlName(null, last.Star ? null : last.Value)
            : new SqlName(parts[0].Value, last.Star ? null : last.Value);
        error = null;
        return true;
    }

    /// <summary>An identifier as PostgreSQL's <c>quote_ident</c> would write it.</summary>
    public static string Quote(string identifier)
    {
        var plain = identifier.Length > 0 && (char.IsAsciiLetterLower(identifier[0]) || identifier[0] == '_');
        foreach (var c in identifier)
        {
            plain &= char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '$';
        }

        return plain ? identifier : "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    public override string ToString() => (Schema, Name) switch
    {
        (null, null) => "*",
        ({ } schema, null) => Quote(schema) + ".*",
        (null, { } name) => Quote(name),
        ({ } schema, { } name) => Quote(schema) + "." + Quote(name),
    };

    private static bool IsPlainIdentifier(ReadOnlySpan<char> part)
    {
        if (part.IsEmpty || !(char.IsAsciiLetter(part[0]) || part[0] == '_' || part[0] > 0x7f))
        {
            return false;
        }

        foreach (var c in part)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '$' || c > 0x7f))
            {
                return false;
            }
        }

        return true;
    }

    private static string FoldAscii(ReadOnlySpan<char> part)
    {
        var chars = part.ToArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsAsciiLetterUpper(chars[i]))
            {
                chars[i] = (char)(chars[i] + ('a' - 'A'));
            }
        }

        return new string(chars);
    }

    private static string Truncate(string identifier)
    {
        if (Encoding.UTF8.GetByteCount(identifier) <= MaxIdentifierBytes)
        {
            return identifier;
        }

        var bytes = 0;
        var length = 0;
        foreach (var rune in identifier.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (bytes + size > MaxIdentifierBytes)
            {
                break;
            }

            bytes += size;
            length += rune.Utf16SequenceLength;
        }

        return identifier[..length];
    }
}
