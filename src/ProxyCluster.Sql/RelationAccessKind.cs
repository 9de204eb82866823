namespace ProxyCluster.Sql;

/// <summary>What a statement needs to do to a relation. Flags combine, e.g. <c>INSERT … ON CONFLICT DO UPDATE</c> is <c>Insert | Update</c>.</summary>
[Flags]
public enum RelationAccessKind
{
    None = 0,
    Read = 1 << 0,
    Insert = 1 << 1,
    Update = 1 << 2,
    Delete = 1 << 3,
    Truncate = 1 << 4,
    /// <summary>Row locks (<c>FOR UPDATE</c>, <c>FOR NO KEY UPDATE</c>, <c>FOR SHARE</c>, <c>FOR KEY SHARE</c>) and <c>LOCK TABLE</c>.</summary>
    Lock = 1 << 5,
    /// <summary>The statement creates the relation (<c>CREATE TABLE</c>, <c>SELECT … INTO</c>, <c>CREATE TABLE AS</c>, <c>CREATE VIEW</c>).</summary>
    Create = 1 << 6,
    /// <summary>A foreign key points at the relation.</summary>
    References = 1 << 7,
    /// <summary>DDL changes the existing relation (ALTER, CREATE INDEX/TRIGGER/RULE/POLICY on it, GRANT on it, …).</summary>
    Alter = 1 << 8,
    Drop = 1 << 9,
    /// <summary>VACUUM, ANALYZE, CLUSTER, REINDEX, REFRESH MATERIALIZED VIEW.</summary>
    Maintain = 1 << 10,
}
