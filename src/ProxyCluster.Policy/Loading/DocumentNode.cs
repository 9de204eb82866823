namespace ProxyCluster.Policy.Loading;

/// <summary>A format-neutral tree of a policy document (YAML and JSON both read into it), with source positions.</summary>
internal abstract class DocumentNode(int line, int column)
{
    /// <summary>1-based; 0 when unknown.</summary>
    public int Line { get; } = line;

    public int Column { get; } = column;

    public abstract string Description { get; }

    public string Position => Line > 0 ? $"line {Line}, column {Column}" : "unknown position";
}

internal sealed class MapNode(int line, int column) : DocumentNode(line, column)
{
    public List<KeyValuePair<ScalarNode, DocumentNode>> Entries { get; } = [];

    public override string Description => "a mapping";
}

internal sealed class ListNode(int line, int column) : DocumentNode(line, column)
{
    public List<DocumentNode> Items { get; } = [];

    public override string Description => "a list";
}

internal enum ScalarKind
{
    String,
    Boolean,
    Number,
    Null,
}

internal sealed class ScalarNode(int line, int column, ScalarKind kind, string? value) : DocumentNode(line, column)
{
    public ScalarKind Kind { get; } = kind;

    /// <summary>The text; for <see cref="ScalarKind.Boolean"/> <c>true</c> or <c>false</c>; null for <see cref="ScalarKind.Null"/>.</summary>
    public string? Value { get; } = value;

    /// <summary>
    /// An unquoted YAML scalar. YAML leaves <c>3</c> untyped, and every name-like value stays a string; a setting
    /// that wants a number takes a plain scalar that reads as one (a quoted <c>"3"</c> stays text).
    /// </summary>
    public bool IsPlainYaml { get; init; }

    public override string Description => Kind switch
    {
        ScalarKind.Boolean => "a boolean",
        ScalarKind.Number => "a number",
        ScalarKind.Null => "an empty value",
        _ => "a string",
    };
}
