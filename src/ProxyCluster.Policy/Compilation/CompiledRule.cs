namespace ProxyCluster.Policy.Compilation;

/// <summary>
/// A rule ready for evaluation: its permissions, its table patterns with unqualified names already expanded to
/// every schema of the pinned search_path, and its function patterns.
/// </summary>
internal sealed class CompiledRule
{
    public CompiledRule(string name, bool isDeny, Permission permissions, SqlName[]? tables, SqlName[] functions)
    {
        Name = name;
        IsDeny = isDeny;
        Permissions = permissions;
        Tables = tables ?? [];
        Functions = functions;
        var everything = tables is null || Array.Exists(tables, t => t.IsEverything);
        CoversStatements = everything;
        CoversAllTables = isDeny ? everything : tables is not null && Array.Exists(tables, t => t.IsEverything);
    }

    public string Name { get; }

    public bool IsDeny { get; }

    public Permission Permissions { get; }

    /// <summary>Fully qualified names, <c>schema.*</c>, or <c>*</c>.</summary>
    public SqlName[] Tables { get; }

    /// <summary>Qualified or unqualified names, <c>schema.*</c>, or <c>*</c>.</summary>
    public SqlName[] Functions { get; }

    /// <summary>
    /// Whether the rule speaks for requirements that are not about a table (DO, LISTEN, DDL that names no
    /// table, …): its <c>tables</c> are missing or include <c>*</c>.
    /// </summary>
    public bool CoversStatements { get; }

    /// <summary><c>*</c> (or, for a deny rule, no <c>tables</c> at all).</summary>
    public bool CoversAllTables { get; }

    public bool Grants(Permission permission) => (Permissions & permission) == permission;

    /// <summary>
    /// Whether the rule's tables include the relation. <paramref name="schema"/> is null for an unqualified name
    /// under a policy that does not pin search_path: then only <c>*</c> matches. In an allow rule <c>*</c> does
    /// not reach the system schemas (catalog reads have their own setting) nor temporary ones.
    /// </summary>
    public bool MatchesTable(string? schema, string name)
    {
        if (CoversAllTables && (IsDeny || schema is null || !SystemCatalog.IsSystemSchema(schema)))
        {
            return true;
        }

        if (schema is null)
        {
            return false;
        }

        foreach (var pattern in Tables)
        {
            if (string.Equals(pattern.Schema, schema, StringComparison.Ordinal)
                && (pattern.Name is null || string.Equals(pattern.Name, name, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a function pattern of the rule names the call. An unqualified pattern matches the name called
    /// unqualified or qualified with pg_catalog or a search_path schema (in a deny rule: with any schema).
    /// </summary>
    public bool MatchesFunction(string? schema, string name, IReadOnlyList<string>? searchPath)
    {
        foreach (var pattern in Functions)
        {
            if (pattern.IsEverything)
            {
                return true;
            }

            if (pattern.Schema is null)
            {
                if (string.Equals(pattern.Name, name, StringComparison.Ordinal)
                    && (IsDeny || schema is null || schema == SystemCatalog.CatalogSchema || Contains(searchPath, schema)))
                {
                    return true;
                }

                continue;
            }

            if (schema is not null
                && string.Equals(pattern.Schema, schema, StringComparison.Ordinal)
                && (pattern.Name is null || string.Equals(pattern.Name, name, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Contains(IReadOnlyList<string>? list, string value)
    {
        if (list is null)
        {
            return false;
        }

        foreach (var item in list)
        {
            if (string.Equals(item, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
