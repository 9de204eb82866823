namespace ProxyCluster.Sql;

/// <summary>A function called anywhere in a statement (or the procedure of a <c>CALL</c>). <see cref="Schema"/> is null when unqualified.</summary>
public sealed record FunctionReference(string? Schema, string Name)
{
    public override string ToString() => QualifiedName.Format(Schema, Name);
}
