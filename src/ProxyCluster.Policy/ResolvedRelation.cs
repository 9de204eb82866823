using ProxyCluster.Sql;

namespace ProxyCluster.Policy;

/// <summary>
/// A relation a statement touches, with its name resolved the way the server will resolve it.
/// </summary>
/// <param name="Schema">
/// The schema as written, or for an unqualified name the schema it resolves to: <c>pg_catalog</c> for a catalog
/// relation, otherwise the first schema of the pinned search_path (the policy checks every schema of the path).
/// Null for an unqualified name under a policy that does not pin search_path.
/// </param>
/// <param name="Name">The relation's name (case as PostgreSQL sees it).</param>
/// <param name="Access">What the statement does to it.</param>
/// <param name="Qualified">The query named the schema.</param>
public sealed record ResolvedRelation(string? Schema, string Name, RelationAccessKind Access, bool Qualified)
{
    /// <summary><c>schema.name</c>, or the bare name when the schema is unknown.</summary>
    public string QualifiedName => Schema is null ? Name : Schema + "." + Name;

    public override string ToString() => $"{QualifiedName} ({Access})";
}
