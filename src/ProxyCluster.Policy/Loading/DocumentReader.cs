using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ProxyCluster.Policy.Loading;

/// <summary>
/// Reads YAML or JSON into a <see cref="DocumentNode"/> tree. Text that starts with <c>{</c> is read as JSON
/// (strictly, with positions; comments allowed), falling back to YAML flow style; anything else is YAML. Both
/// refuse duplicate keys, and the tree is bounded in depth and size so aliases cannot blow it up.
/// </summary>
internal static class DocumentReader
{
    private const int MaxDepth = 32;
    private const int MaxNodes = 100_000;

    public static DocumentNode Read(string text, string? source)
    {
        var prefix = source is null ? string.Empty : source + ": ";
        var trimmed = text.AsSpan().TrimStart("\uFEFF \t\r\n");
        if (trimmed.IsEmpty)
        {
            throw new PolicyLoadException(prefix + "the policy document is empty");
        }

        if (trimmed[0] == '{')
        {
            try
            {
                return ReadJson(text, prefix);
            }
            catch (JsonException json)
            {
                try
                {
                    return ReadYaml(text, prefix);
                }
                catch (PolicyLoadException)
                {
                    var where = json.LineNumber is { } line ? $" at line {line + 1}, column {json.BytePositionInLine + 1}" : string.Empty;
                    throw new PolicyLoadException($"{prefix}not valid JSON{where}: {json.Message}", json);
                }
            }
        }

        return ReadYaml(text, prefix);
    }

    private static DocumentNode ReadYaml(string text, string prefix)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            var message = ex.Message.Replace("Duplicate key", "duplicate key", StringComparison.Ordinal);
            throw new PolicyLoadException($"{prefix}not valid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {message}", ex);
        }
        catch (ArgumentException ex)
        {
            throw new PolicyLoadException($"{prefix}not valid YAML: duplicate key ({ex.Message})", ex);
        }

        if (stream.Documents.Count != 1)
        {
            throw new PolicyLoadException($"{prefix}expected exactly one YAML document, found {stream.Documents.Count}");
        }

        var count = 0;
        return Convert(stream.Documents[0].RootNode, 0, ref count, prefix);
    }

    private static DocumentNode Convert(YamlNode node, int depth, ref int count, string prefix)
    {
        var line = (int)node.Start.Line;
        var column = (int)node.Start.Column;
        if (depth > MaxDepth || ++count > MaxNodes)
        {
            throw new PolicyLoadException($"{prefix}the document is nested too deeply or is too large (line {line})");
        }

        switch (node)
        {
            case YamlMappingNode mapping:
                var map = new MapNode(line, column);
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { } key } scalarKey)
                    {
                        throw new PolicyLoadException($"{prefix}line {keyNode.Start.Line}, column {keyNode.Start.Column}: keys must be plain strings");
                    }

                    if (!seen.Add(key))
                    {
                        throw new PolicyLoadException($"{prefix}line {keyNode.Start.Line}, column {keyNode.Start.Column}: duplicate key \"{key}\"");
                    }

                    var keyScalar = new ScalarNode((int)scalarKey.Start.Line, (int)scalarKey.Start.Column, ScalarKind.String, key);
                    map.Entries.Add(new(keyScalar, Convert(valueNode, depth + 1, ref count, prefix)));
                }

                return map;
            case YamlSequenceNode sequence:
                var list = new ListNode(line, column);
                foreach (var item in sequence.Children)
                {
                    list.Items.Add(Convert(item, depth + 1, ref count, prefix));
                }

                return list;
            case YamlScalarNode scalar:
                return ConvertScalar(scalar, line, column);
            default:
                throw new PolicyLoadException($"{prefix}line {line}, column {column}: unsupported YAML node");
        }
    }

    private static ScalarNode ConvertScalar(YamlScalarNode scalar, int line, int column)
    {
        var value = scalar.Value;
        if (scalar.Style is ScalarStyle.Plain or ScalarStyle.Any)
        {
            if (value is null or "" or "~" or "null" or "Null" or "NULL")
            {
                return new ScalarNode(line, column, ScalarKind.Null, null);
            }

            if (value is "true" or "True" or "TRUE")
            {
                return new ScalarNode(line, column, ScalarKind.Boolean, "true");
            }

            if (value is "false" or "False" or "FALSE")
            {
                return new ScalarNode(line, column, ScalarKind.Boolean, "false");
            }
        }

        return new ScalarNode(line, column, ScalarKind.String, value ?? string.Empty) { IsPlainYaml = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any };
    }

    private static DocumentNode ReadJson(string text, string prefix)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        var lineStarts = LineStarts(utf8);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = MaxDepth });
        var stack = new Stack<(DocumentNode Node, ScalarNode? KeyInParent, HashSet<string>? Keys)>();
        DocumentNode? root = null;
        ScalarNode? pendingKey = null;
        var count = 0;

        while (reader.Read())
        {
            var (line, column) = Locate(lineStarts, utf8, reader.TokenStartIndex);
            if (++count > MaxNodes)
            {
                throw new PolicyLoadException($"{prefix}the document is too large (line {line})");
            }

            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    var name = reader.GetString()!;
                    if (!stack.Peek().Keys!.Add(name))
                    {
                        throw new PolicyLoadException($"{prefix}line {line}, column {column}: duplicate key \"{name}\"");
                    }

                    pendingKey = new ScalarNode(line, column, ScalarKind.String, name);
                    break;
                case JsonTokenType.StartObject:
                    stack.Push((new MapNode(line, column), pendingKey, new HashSet<string>(StringComparer.Ordinal)));
                    pendingKey = null;
                    break;
                case JsonTokenType.StartArray:
                    stack.Push((new ListNode(line, column), pendingKey, null));
                    pendingKey = null;
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    var (node, keyInParent, _) = stack.Pop();
                    Attach(node, keyInParent);
                    break;
                case JsonTokenType.String:
                    Attach(new ScalarNode(line, column, ScalarKind.String, reader.GetString()), pendingKey);
                    break;
                case JsonTokenType.Number:
                    Attach(new ScalarNode(line, column, ScalarKind.Number, Encoding.UTF8.GetString(reader.ValueSpan)), pendingKey);
                    break;
                case JsonTokenType.True:
                    Attach(new ScalarNode(line, column, ScalarKind.Boolean, "true"), pendingKey);
                    break;
                case JsonTokenType.False:
                    Attach(new ScalarNode(line, column, ScalarKind.Boolean, "false"), pendingKey);
                    break;
                case JsonTokenType.Null:
                    Attach(new ScalarNode(line, column, ScalarKind.Null, null), pendingKey);
                    break;
                default:
                    break;
            }
        }

        return root ?? throw new PolicyLoadException(prefix + "the JSON document is empty");

        void Attach(DocumentNode node, ScalarNode? key)
        {
            pendingKey = null;
            if (stack.Count == 0)
            {
                root = node;
                return;
            }

            switch (stack.Peek().Node)
            {
                case ListNode list:
                    list.Items.Add(node);
                    break;
                case MapNode map:
                    map.Entries.Add(new(key!, node));
                    break;
                default:
                    break;
            }
        }
    }

    private static List<int> LineStarts(byte[] utf8)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                starts.Add(i + 1);
            }
        }

        return starts;
    }

    private static (int Line, int Column) Locate(List<int> lineStarts, byte[] utf8, long offset)
    {
        var index = lineStarts.BinarySearch((int)offset);
        if (index < 0)
        {
            index = ~index - 1;
        }

        var start = lineStarts[index];
        var column = Encoding.UTF8.GetCharCount(utf8, start, (int)offset - start) + 1;
        return (index + 1, column);
    }
}
