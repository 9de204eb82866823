namespace ProxyCluster.Sql;

/// <summary>A possibly schema-qualified object name, as the parser produced it.</summary>
public sealed record QualifiedName(string? Schema, string Name)
{
    public override string ToString() => Format(Schema, Name);

    internal static string Format(string? schema, string name) => schema is null ? name : schema + "." + name;
}
