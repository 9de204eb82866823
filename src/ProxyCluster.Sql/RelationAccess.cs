namespace ProxyCluster.Sql;

/// <summary>
/// A relation a statement touches. Names are exactly as PostgreSQL sees them: unquoted identifiers are
/// already folded to lower case by the parser, quoted identifiers keep their case. <see cref="Schema"/> is
/// null for an unqualified name; the policy resolves it against the route's pinned <c>search_path</c>.
/// </summary>
public sealed record RelationAccess(string? Schema, string Name, RelationAccessKind Access)
{
    public override string ToString() => $"{QualifiedName.Format(Schema, Name)} ({Access})";
}
