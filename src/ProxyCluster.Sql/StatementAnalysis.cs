namespace ProxyCluster.Sql;

/// <summary>One statement of a query string.</summary>
public sealed class StatementAnalysis
{
    private static readonly IReadOnlyList<RelationAccess> NoRelations = Array.Empty<RelationAccess>();
    private static readonly IReadOnlyList<FunctionReference> NoFunctions = Array.Empty<FunctionReference>();

    public required StatementKind Kind { get; init; }

    /// <summary>libpg_query's node name for the statement (<c>SelectStmt</c>, <c>CreateRoleStmt</c>, …), for messages and audit.</summary>
    public required string NodeType { get; init; }

    /// <summary>This statement's slice of the query text (from the parser's statement location and length).</summary>
    public required string Text { get; init; }

    /// <summary>
    /// Every relation the statement touches with the access it needs, one entry per distinct name. CTE
    /// references are not relations. For EXPLAIN, PREPARE and DECLARE these are the inner statement's.
    /// </summary>
    public IReadOnlyList<RelationAccess> Relations { get; init; } = NoRelations;

    /// <summary>Every function called anywhere in the statement, and the procedure of a CALL, one entry per distinct name.</summary>
    public IReadOnlyList<FunctionReference> Functions { get; init; } = NoFunctions;

    /// <summary>For SET / SHOW / RESET (and SET ROLE …): the setting's name, lower-cased; null for <c>RESET ALL</c>.</summary>
    public string? SettingName { get; init; }

    /// <summary><c>SET LOCAL</c>: the change lasts until the end of the transaction.</summary>
    public bool IsSetLocal { get; init; }

    /// <summary>The relation created by <c>SELECT … INTO</c>, <c>CREATE TABLE [AS]</c>, <c>CREATE [MATERIALIZED] VIEW</c>. A temporary one has schema <c>pg_temp</c>.</summary>
    public QualifiedName? CreatedTable { get; init; }

    /// <summary>The statement inside EXPLAIN, PREPARE or DECLARE CURSOR.</summary>
    public StatementAnalysis? Inner { get; init; }

    /// <summary><c>EXPLAIN ANALYZE</c>: the inner statement is executed, not just planned.</summary>
    public bool IsExplainAnalyze { get; init; }

    /// <summary>For PREPARE / EXECUTE / DEALLOCATE: the prepared statement's name; null for <c>DEALLOCATE ALL</c>.</summary>
    public string? PreparedStatementName { get; init; }

    /// <summary>For COPY: where the data comes from or goes to.</summary>
    public CopyEndpoint CopyEndpoint { get; init; }

    public override string ToString() =>
        Relations.Count == 0 ? Kind.ToString() : $"{Kind} [{string.Join(", ", Relations)}]";
}
