using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace ProxyCluster.Sql.Analysis;

internal enum TreeNodeKind : byte
{
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}

/// <summary>A property of a <see cref="TreeNode"/> object.</summary>
internal readonly record struct TreeProperty(string Name, TreeNode Value);

/// <summary>
/// A minimal JSON tree for libpg_query's parse output, built iteratively from <see cref="Utf8JsonReader"/>.
/// </summary>
/// <remarks>
/// Not <c>JsonDocument</c>: its Parse is quadratic in nesting depth (measured: a 20,000-level operator chain,
/// ~60,000 JSON levels, takes 11.5 s to load while the reader alone takes 17 ms), which would make every deep
/// but allowed query a CPU denial of service. Building this tree is linear, and the walk over it is iterative,
/// so depth costs neither time nor stack. Property names come from libpg_query's fixed vocabulary and are
/// interned; <c>location</c> fields (source offsets the analysis does not use) are dropped.
/// </remarks>
internal sealed class TreeNode
{
    private const int MaxInternedNames = 4096;
    private static readonly ConcurrentDictionary<string, string> Names = new(StringComparer.Ordinal);
    private static readonly TreeProperty[] NoProperties = [];
    private static readonly TreeNode[] NoItems = [];

    private TreeProperty[]? _properties;
    private TreeNode[]? _items;
    private int _count;

    private TreeNode(TreeNodeKind kind, string? text)
    {
        Kind = kind;
        Text = text;
    }

    public TreeNodeKind Kind { get; }

    /// <summary>The value of a string, or the text of a number.</summary>
    public string? Text { get; }

    public ReadOnlySpan<TreeProperty> Properties => _properties is null ? NoProperties : _properties.AsSpan(0, _count);

    public ReadOnlySpan<TreeNode> Items => _items is null ? NoItems : _items.AsSpan(0, _count);

    public bool IsContainer => Kind is TreeNodeKind.Object or TreeNodeKind.Array;

    public bool TryGet(string name, out TreeNode value)
    {
        if (_properties is not null)
        {
            foreach (var property in Properties)
            {
                if (string.Equals(property.Name, name, StringComparison.Ordinal))
                {
                    value = property.Value;
                    return true;
                }
            }
        }

        value = null!;
        return false;
    }

    public string? GetString(string name) =>
        TryGet(name, out var value) && value.Kind == TreeNodeKind.String ? value.Text : null;

    public bool GetBool(string name) => TryGet(name, out var value) && value.Kind == TreeNodeKind.True;

    public int GetInt32(string name, int fallback) =>
        TryGet(name, out var value) && value.Kind == TreeNodeKind.Number
        && int.TryParse(value.Text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? number
            : fallback;

    /// <summary>True for a non-empty array.</summary>
    public bool HasItems(string name) => TryGet(name, out var value) && value.Kind == TreeNodeKind.Array && value._count > 0;

    /// <exception cref="JsonException">Malformed JSON (never expected from libpg_query).</exception>
    public static TreeNode Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = int.MaxValue });
        var open = new Stack<TreeNode>();
        TreeNode? root = null;
        string? name = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    var container = new TreeNode(reader.TokenType == JsonTokenType.StartObject ? TreeNodeKind.Object : TreeNodeKind.Array, null);
                    Attach(container);
                    open.Push(container);
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    open.Pop();
                    break;
                case JsonTokenType.PropertyName:
                    if (reader.ValueTextEquals("location"u8) || reader.ValueTextEquals("A_Const"u8))
                    {
                        // Source offsets below the statement level are not used, and a constant holds no
                        // relation or function: skipping both keeps big VALUES lists cheap.
                        reader.Skip();
                        break;
                    }

                    name = InternName(ref reader);
                    break;
                case JsonTokenType.String:
                    Attach(new TreeNode(TreeNodeKind.String, reader.GetString()));
                    break;
                case JsonTokenType.Number:
                    Attach(new TreeNode(TreeNodeKind.Number, Encoding.UTF8.GetString(reader.ValueSpan)));
                    break;
                case JsonTokenType.True:
                    Attach(new TreeNode(TreeNodeKind.True, null));
                    break;
                case JsonTokenType.False:
                    Attach(new TreeNode(TreeNodeKind.False, null));
                    break;
                case JsonTokenType.Null:
                    Attach(new TreeNode(TreeNodeKind.Null, null));
                    break;
                default:
                    break;
            }
        }

        return root ?? throw new JsonException("empty parse tree");

        void Attach(TreeNode node)
        {
            if (!open.TryPeek(out var parent))
            {
                root = node;
            }
            else if (parent.Kind == TreeNodeKind.Object)
            {
                parent._properties = Append(parent._properties, parent._count++, new TreeProperty(name ?? string.Empty, node));
            }
            else
            {
                parent._items = Append(parent._items, parent._count++, node);
            }
        }
    }

    private static T[] Append<T>(T[]? array, int index, T value)
    {
        if (array is null)
        {
            array = new T[4];
        }
        else if (index == array.Length)
        {
            Array.Resize(ref array, array.Length * 2);
        }

        array[index] = value;
        return array;
    }

    private static string InternName(ref Utf8JsonReader reader)
    {
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (length > 64 || reader.ValueIsEscaped)
        {
            return reader.GetString()!;
        }

        Span<char> buffer = stackalloc char[64];
        var written = reader.CopyString(buffer);
        var lookup = Names.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(buffer[..written], out var interned))
        {
            return interned;
        }

        var text = new string(buffer[..written]);
        return Names.Count < MaxInternedNames ? Names.GetOrAdd(text, text) : text;
    }
}
