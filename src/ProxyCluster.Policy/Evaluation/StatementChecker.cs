using System.Collections.Frozen;
using ProxyCluster.Policy.Compilation;
using ProxyCluster.Sql;

namespace ProxyCluster.Policy.Evaluation;

/// <summary>
/// Checks statements against one policy. Not thread-safe: one instance per <see cref="PolicyEvaluator.Compute"/>
/// call. The order of checks decides which reason the client sees: the statement as a whole, temporary
/// objects, each relation, then each function.
/// </summary>
internal sealed class StatementChecker(SqlPolicy policy)
{
    private const int MaxInnerDepth = 4;

    /// <summary>DDL whose effect stays on the relations it names; any other DDL also needs DDL on the whole database.</summary>
    private static readonly FrozenSet<string> RelationDdlNodes = FrozenSet.Create(
        StringComparer.Ordinal,
        "CreateStmt", "CreateTableAsStmt", "ViewStmt", "AlterTableStmt", "IndexStmt", "CreateTrigStmt", "RuleStmt",
        "CreatePolicyStmt", "AlterPolicyStmt", "DropStmt", "RenameStmt", "GrantStmt", "CreateStatsStmt",
        "CreateSeqStmt", "AlterSeqStmt");

    /// <summary>Utility statements that maintain the relations they name.</summary>
    private static readonly FrozenSet<string> MaintenanceNodes = FrozenSet.Create(
        StringComparer.Ordinal, "ClusterStmt", "ReindexStmt", "RefreshMatViewStmt");

    private static readonly (RelationAccessKind Access, Permission Permission, string? Detail)[] AccessPermissions =
    [
        (RelationAccessKind.Read, Permission.Select, null),
        (RelationAccessKind.Insert, Permission.Insert, null),
        (RelationAccessKind.Update, Permission.Update, null),
        (RelationAccessKind.Delete, Permission.Delete, null),
        (RelationAccessKind.Truncate, Permission.Truncate, null),
        (RelationAccessKind.Lock, Permission.Lock, null),
        (RelationAccessKind.Create, Permission.Ddl, "CREATE"),
        (RelationAccessKind.Alter, Permission.Ddl, "ALTER"),
        (RelationAccessKind.Drop, Permission.Ddl, "DROP"),
        (RelationAccessKind.References, Permission.Ddl, "REFERENCES"),
        (RelationAccessKind.Maintain, Permission.Maintain, null),
    ];

    private static readonly string[] CatalogOnly = [SystemCatalog.CatalogSchema];
    private static readonly string?[] UnknownSchema = [null];

    private readonly List<string> _granted = [];

    public StatementDecision Check(StatementAnalysis statement)
    {
        _granted.Clear();
        var relations = Resolve(statement.Relations);
        var denial = Evaluate(statement, 0);
        if (denial is not null)
        {
            return new StatementDecision(statement, allowed: false, denial.Rule, denial.Reason, relations, []);
        }

        string[] granted = [.. _granted.Distinct(StringComparer.Ordinal)];
        return granted.Length == 0
            ? new StatementDecision(statement, allowed: true, PolicyDecision.DefaultRule, $"{policy.Quoted} allows it", relations, granted)
            : new StatementDecision(
                statement,
                allowed: true,
                string.Join(", ", granted),
                $"{policy.Quoted} allows it (rule{(granted.Length == 1 ? string.Empty : "s")} {string.Join(", ", granted.Select(r => $"\"{r}\""))})",
                relations,
                granted);
    }

    private ResolvedRelation[] Resolve(IReadOnlyList<RelationAccess> relations)
    {
        if (relations.Count == 0)
        {
            return [];
        }

        var resolved = new ResolvedRelation[relations.Count];
        for (var i = 0; i < resolved.Length; i++)
        {
            var relation = relations[i];
            resolved[i] = new ResolvedRelation(Candidates(relation)[0] ?? relation.Schema, relation.Name, relation.Access, relation.Schema is not null);
        }

        return resolved;
    }

    private Denial? Evaluate(StatementAnalysis statement, int depth)
    {
        if (policy.IsUnrestricted)
        {
            return EvaluateUnrestricted(statement, depth);
        }

        switch (statement.Kind)
        {
            case StatementKind.Explain:
            case StatementKind.Prepare:
            case StatementKind.DeclareCursor:
                return EvaluateInner(statement, depth);
            case StatementKind.TransactionControl:
            case StatementKind.Show:
            case StatementKind.Discard:
            case StatementKind.Unlisten:
            case StatementKind.Deallocate:
            case StatementKind.Fetch:
            case StatementKind.Close:
                return CheckFunctions(statement.Functions);
            case StatementKind.Set:
                return CheckSetting(statement.SettingName, "SET") ?? CheckFunctions(statement.Functions);
            case StatementKind.Reset:
                return statement.SettingName is null ? null : CheckSetting(statement.SettingName, "RESET");
            case StatementKind.SetRole:
                return RequireStatement(Permission.SetRole, null);
            case StatementKind.SetSessionAuthorization:
                return RequireStatement(Permission.SetSessionAuthorization, null);
            case StatementKind.Listen:
                return RequireStatement(Permission.Listen, null);
            case StatementKind.Notify:
                return RequireStatement(Permission.Notify, null);
            case StatementKind.Do:
                return RequireStatement(Permission.Do, ": it runs code the proxy cannot see");
            case StatementKind.Load:
                return RequireStatement(Permission.Load, ": it loads a shared library into the server");
            case StatementKind.Call:
                return RequireStatement(Permission.Call, null) ?? CheckFunctions(statement.Functions);
            case StatementKind.Execute:
                return RequireStatement(Permission.Execute, ": the proxy cannot see what the statement was prepared with")
                    ?? CheckFunctions(statement.Functions);
            case StatementKind.Select:
            case StatementKind.Insert:
            case StatementKind.Update:
            case StatementKind.Delete:
            case StatementKind.Merge:
            case StatementKind.Truncate:
            case StatementKind.Lock:
            case StatementKind.CopyFrom:
            case StatementKind.CopyTo:
            case StatementKind.CopyProgram:
            case StatementKind.Ddl:
            case StatementKind.Vacuum:
            case StatementKind.Analyze:
            case StatementKind.Utility:
                return CheckStatementLevel(statement)
                    ?? CheckTemporary(statement)
                    ?? CheckRelations(statement)
                    ?? CheckFunctions(statement.Functions);
            case StatementKind.Unknown:
            default:
                return NotUnderstood(statement);
        }
    }

    private Denial? EvaluateUnrestricted(StatementAnalysis statement, int depth)
    {
        switch (statement.Kind)
        {
            case StatementKind.Unknown:
                return NotUnderstood(statement);
            case StatementKind.Set or StatementKind.Reset
                when statement.SettingName is "client_encoding" or "standard_conforming_strings":
                return PinnedSetting(statement.SettingName, statement.Kind == StatementKind.Set ? "SET" : "RESET");
            case StatementKind.Explain or StatementKind.Prepare or StatementKind.DeclareCursor:
                return EvaluateInner(statement, depth);
            default:
                return null;
        }
    }

    /// <summary>EXPLAIN [ANALYZE], PREPARE and DECLARE CURSOR need exactly what the statement inside needs.</summary>
    private Denial? EvaluateInner(StatementAnalysis statement, int depth)
    {
        var (what, why) = statement.Kind switch
        {
            StatementKind.Explain when statement.IsExplainAnalyze => ("EXPLAIN ANALYZE", "runs the statement"),
            StatementKind.Explain => ("EXPLAIN", "is checked as the statement it explains"),
            StatementKind.Prepare => ("PREPARE", "is checked as the statement it prepares"),
            _ => ("DECLARE CURSOR", "is checked as its query"),
        };

        if (statement.Inner is null || depth >= MaxInnerDepth)
        {
            return new Denial(PolicyDecision.DefaultRule, $"{policy.Quoted} does not allow this {what}: the proxy could not read the statement inside");
        }

        var denial = Evaluate(statement.Inner, depth + 1);
        return denial is null ? null : denial with { Reason = $"{what} {why}, and {denial.Reason}" };
    }

    /// <summary>What the statement needs beyond its relations: server files, programs, database-wide DDL or maintenance.</summary>
    private Denial? CheckStatementLevel(StatementAnalysis statement)
    {
        var noRelations = statement.Relations.Count == 0;
        return statement.Kind switch
        {
            StatementKind.CopyProgram => RequireStatement(Permission.CopyProgram, ": it runs a shell command on the database server"),
            StatementKind.CopyFrom or StatementKind.CopyTo when statement.CopyEndpoint == CopyEndpoint.ServerFile =>
                RequireStatement(Permission.CopyServerFile, null),
            StatementKind.CopyFrom or StatementKind.CopyTo when statement.CopyEndpoint != CopyEndpoint.Client =>
                new Denial(PolicyDecision.DefaultRule, $"{policy.Quoted} does not allow this COPY: the proxy could not tell where its data goes"),
            StatementKind.Ddl when noRelations || !RelationDdlNodes.Contains(statement.NodeType) =>
                RequireStatement(Permission.Ddl, $" ({statement.NodeType}) on the whole database"),
            StatementKind.Vacuum or StatementKind.Analyze when noRelations =>
                RequireStatement(Permission.Maintain, " on the whole database"),
            StatementKind.Utility when statement.NodeType == "ConstraintsSetStmt" => null,
            StatementKind.Utility when MaintenanceNodes.Contains(statement.NodeType) =>
                noRelations ? RequireStatement(Permission.Maintain, " on the whole database") : null,
            StatementKind.Utility => RequireStatement(Permission.Utility, $" ({statement.NodeType})"),
            _ => null,
        };
    }

    /// <summary>Temporary objects shadow tables of the same name for unqualified references.</summary>
    private Denial? CheckTemporary(StatementAnalysis statement)
    {
        if (policy.AllowTempTables)
        {
            return null;
        }

        string? temporary = null;
        foreach (var relation in statement.Relations)
        {
            if (relation.Schema is { } schema && SystemCatalog.IsTemporarySchema(schema))
            {
                temporary = schema + "." + relation.Name;
                break;
            }
        }

        if (temporary is null && statement.CreatedTable is { Schema: { } createdSchema } created && SystemCatalog.IsTemporarySchema(createdSchema))
        {
            temporary = created.ToString();
        }

        if (temporary is not null && statement.NodeType == "CreateSeqStmt")
        {
            temporary = "a temporary sequence"; // the analysis puts it in pg_temp like a table; say what it is
        }

        return temporary is null
            ? null
            : new Denial(
                PolicyDecision.DefaultRule,
                $"{policy.Quoted} does not allow temporary tables ({temporary}): a temporary relation shadows the table of the same name");
    }

    private Denial? CheckRelations(StatementAnalysis statement)
    {
        foreach (var relation in statement.Relations)
        {
            var denial = CheckRelation(statement.Kind, relation);
            if (denial is not null)
            {
                return denial;
            }
        }

        return null;
    }

    private Denial? CheckRelation(StatementKind kind, RelationAccess relation)
    {
        if (relation.Schema is { } schema && SystemCatalog.IsTemporarySchema(schema))
        {
            return null; // only reached when temporary tables are allowed: they are the session's own
        }

        var access = relation.Access == RelationAccessKind.None ? RelationAccessKind.Read : relation.Access;
        var candidates = Candidates(relation);
        if ((access & (RelationAccessKind.Insert | RelationAccessKind.Update | RelationAccessKind.Delete)) != 0
            && relation.Name == "pg_settings" && Array.IndexOf(candidates, SystemCatalog.CatalogSchema) >= 0)
        {
            return new Denial(
                PolicyDecision.DefaultRule,
                $"{policy.Quoted} does not allow writing pg_catalog.pg_settings: it changes settings like set_config");
        }

        foreach (var (flag, permission, detail) in AccessPermissions)
        {
            if ((access & flag) != 0)
            {
                var denial = RequireOnRelation(permission, detail, candidates, relation.Name);
                if (denial is not null)
                {
                    return denial;
                }
            }
        }

        var writes = access & (RelationAccessKind.Insert | RelationAccessKind.Update | RelationAccessKind.Delete);
        var extra = kind switch
        {
            StatementKind.Merge when writes != 0 => Permission.Merge,
            StatementKind.CopyFrom or StatementKind.CopyProgram when (access & RelationAccessKind.Insert) != 0 => Permission.CopyFrom,
            StatementKind.CopyTo or StatementKind.CopyProgram when (access & RelationAccessKind.Read) != 0 => Permission.CopyTo,
            _ => Permission.None,
        };

        return extra == Permission.None ? null : RequireOnRelation(extra, null, candidates, relation.Name);
    }

    /// <summary>
    /// The schemas an unqualified name may resolve to. PostgreSQL searches pg_catalog before the search_path, so a
    /// catalog relation's name means the catalog; another <c>pg_…</c> name may be either. Every candidate must be
    /// allowed: the policy cannot know which of them exist.
    /// </summary>
    private string?[] Candidates(RelationAccess relation)
    {
        if (relation.Schema is not null)
        {
            return [relation.Schema];
        }

        if (SystemCatalog.Relations.Contains(relation.Name))
        {
            return CatalogOnly;
        }

        if (policy.SearchPath is not { } searchPath)
        {
            return relation.Name.StartsWith("pg_", StringComparison.Ordinal) ? [null, SystemCatalog.CatalogSchema] : UnknownSchema;
        }

        return relation.Name.StartsWith("pg_", StringComparison.Ordinal)
            ? [.. searchPath, SystemCatalog.CatalogSchema]
            : [.. searchPath];
    }

    private Denial? RequireOnRelation(Permission permission, string? detail, string?[] candidates, string name)
    {
        var what = detail is null ? Permissions.Describe(permission) : $"{Permissions.Describe(permission)} ({detail})";
        foreach (var schema in candidates)
        {
            foreach (var rule in policy.DenyRules)
            {
                if (rule.Grants(permission) && rule.MatchesTable(schema, name))
                {
                    return new Denial(rule.Name, $"{policy.Quoted} denies {what} on table {Format(schema, name)} (rule \"{rule.Name}\")");
                }
            }
        }

        foreach (var schema in candidates)
        {
            string? granted = null;
            foreach (var rule in policy.AllowRules)
            {
                if (rule.Grants(permission) && rule.MatchesTable(schema, name))
                {
                    granted = rule.Name;
                    break;
                }
            }

            if (granted is not null)
            {
                _granted.Add(granted);
                continue;
            }

            if (permission == Permission.Select && policy.AllowCatalogReads
                && schema is SystemCatalog.CatalogSchema or SystemCatalog.InformationSchema)
            {
                continue;
            }

            return new Denial(PolicyDecision.DefaultRule, $"{policy.Quoted} does not allow {what} on table {Format(schema, name)}");
        }

        return null;
    }

    /// <summary>A requirement about the statement, not a table: deny rules and allow rules whose tables are missing or <c>*</c> speak for it.</summary>
    private Denial? RequireStatement(Permission permission, string? explanation)
    {
        var what = Permissions.Describe(permission);
        foreach (var rule in policy.DenyRules)
        {
            if (rule.Grants(permission) && rule.CoversStatements)
            {
                return new Denial(rule.Name, $"{policy.Quoted} denies {what} (rule \"{rule.Name}\")");
            }
        }

        foreach (var rule in policy.AllowRules)
        {
            if (rule.Grants(permission) && rule.CoversStatements)
            {
                _granted.Add(rule.Name);
                return null;
            }
        }

        return new Denial(PolicyDecision.DefaultRule, $"{policy.Quoted} does not allow {what}{explanation}");
    }

    private Denial? CheckSetting(string? name, string verb)
    {
        if (name is null)
        {
            return new Denial(PolicyDecision.DefaultRule, $"{policy.Quoted} does not allow this {verb}: the proxy could not read the setting's name");
        }

        foreach (var rule in policy.DenyRules)
        {
            if (rule.Grants(Permission.Set) && rule.CoversStatements)
            {
                return new Denial(rule.Name, $"{policy.Quoted} denies {verb} {name} (rule \"{rule.Name}\")");
            }
        }

        if (SafeSettings.Pinned.Contains(name))
        {
            return PinnedSetting(name, verb);
        }

        if (SafeSettings.Harmless.Contains(name) || policy.AllowSet.Contains(name))
        {
            return null;
        }

        if (SafeSettings.Sensitive.Contains(name))
        {
            return new Denial(PolicyDecision.DefaultRule, $"{policy.Quoted} does not allow {verb} {name}: only a policy that names it in settings.allow_set may change it");
        }

        foreach (var rule in policy.AllowRules)
        {
            if (rule.Grants(Permission.Set) && rule.CoversStatements)
            {
                _granted.Add(rule.Name);
                return null;
            }
        }

        return new Denial(PolicyDecision.DefaultRule, $"{policy.Quoted} does not allow {verb} {name}: it is not one of the harmless settings");
    }

    /// <summary>Whether SET of a startup parameter would be allowed.</summary>
    public Denial? CheckStartupSetting(string name) => CheckSetting(name, "SET");

    private Denial NotUnderstood(StatementAnalysis statement) =>
        new(PolicyDecision.DefaultRule, $"{policy.Quoted} does not allow {statement.NodeType}: the proxy does not understand this statement");

    private Denial PinnedSetting(string name, string verb) =>
        new(PolicyDecision.DefaultRule, $"{policy.Quoted} does not allow {verb} {name}: the route pins it for the whole session");

    private Denial? CheckFunctions(IReadOnlyList<FunctionReference> functions)
    {
        foreach (var function in functions)
        {
            var denyingRule = DenyingFunctionRule(function);
            if (denyingRule is not null)
            {
                return new Denial(denyingRule.Name, $"{policy.Quoted} denies function {function} (rule \"{denyingRule.Name}\")");
            }

            if (SafeFunctions.IsSafe(function))
            {
                continue;
            }

            var allowingRule = AllowingFunctionRule(function);
            if (allowingRule is not null)
            {
                _granted.Add(allowingRule.Name);
                continue;
            }

            var why = function.Schema is null or SystemCatalog.CatalogSchema ? UnsafeFunctions.ReasonFor(function.Name) : null;
            return new Denial(
                PolicyDecision.DefaultRule,
                $"{policy.Quoted} does not allow function {function}: {why ?? "it is not on the list of side-effect-free functions"}");
        }

        return null;
    }

    private CompiledRule? DenyingFunctionRule(FunctionReference function)
    {
        foreach (var rule in policy.DenyRules)
        {
            if (rule.Functions.Length == 0)
            {
                continue;
            }

            if (rule.MatchesFunction(function.Schema, function.Name, policy.SearchPath))
            {
                return rule;
            }

            if (function.Schema is null)
            {
                // An unqualified call may resolve to pg_catalog or any schema of the search_path.
                if (rule.MatchesFunction(SystemCatalog.CatalogSchema, function.Name, policy.SearchPath))
                {
                    return rule;
                }

                foreach (var schema in policy.SearchPath ?? [])
                {
                    if (rule.MatchesFunction(schema, function.Name, policy.SearchPath))
                    {
                        return rule;
                    }
                }
            }
        }

        return null;
    }

    private CompiledRule? AllowingFunctionRule(FunctionReference function)
    {
        var found = FindAllowingRule(function.Schema, function.Name);
        if (found is not null || function.Schema is not null || policy.SearchPath is not { } searchPath)
        {
            return found;
        }

        // Unqualified, and no rule names it unqualified: every schema of the search_path must be allowed,
        // because overload resolution may pick the function from any of them.
        CompiledRule? first = null;
        foreach (var schema in searchPath)
        {
            var rule = FindAllowingRule(schema, function.Name);
            if (rule is null)
            {
                return null;
            }

            first ??= rule;
        }

        return first;
    }

    private CompiledRule? FindAllowingRule(string? schema, string name)
    {
        foreach (var rule in policy.AllowRules)
        {
            if (rule.Functions.Length > 0 && rule.MatchesFunction(schema, name, policy.SearchPath))
            {
                return rule;
            }
        }

        return null;
    }

    private static string Format(string? schema, string name) => schema is null ? name : schema + "." + name;
}
