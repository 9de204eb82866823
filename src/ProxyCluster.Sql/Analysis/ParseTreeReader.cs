using System.Collections.Frozen;
using System.Text;

namespace ProxyCluster.Sql.Analysis;

/// <summary>Turns libpg_query's JSON parse result into <see cref="StatementAnalysis"/> values, one per RawStmt.</summary>
internal static class ParseTreeReader
{
    private static readonly FrozenSet<string> UtilityNodes = FrozenSet.Create(
        StringComparer.Ordinal,
        "CheckPointStmt", "ClusterStmt", "ReindexStmt", "RefreshMatViewStmt", "AlterSystemStmt", "ConstraintsSetStmt");

    private static readonly FrozenSet<string> OtherDdlNodes = FrozenSet.Create(
        StringComparer.Ordinal,
        "DefineStmt", "RenameStmt", "CommentStmt", "SecLabelStmt", "GrantStmt", "GrantRoleStmt", "IndexStmt",
        "RuleStmt", "CompositeTypeStmt", "ImportForeignSchemaStmt", "ReassignOwnedStmt");

    private static readonly FrozenSet<string> DroppableRelationTypes = FrozenSet.Create(
        StringComparer.Ordinal,
        "OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_SEQUENCE", "OBJECT_FOREIGN_TABLE", "OBJECT_INDEX");

    /// <param name="root">The document root: <c>{"version": …, "stmts": [{"stmt": …, "stmt_location": …, "stmt_len": …}]}</c>.</param>
    /// <param name="utf8Query">The query the tree was parsed from; statement locations are byte offsets into it.</param>
    public static IReadOnlyList<StatementAnalysis> Read(TreeNode root, ReadOnlySpan<byte> utf8Query)
    {
        if (!root.TryGet("stmts", out var stmts) || stmts.Kind != TreeNodeKind.Array || stmts.Items.Length == 0)
        {
            return [];
        }

        var statements = new List<StatementAnalysis>(stmts.Items.Length);
        foreach (var raw in stmts.Items)
        {
            var location = raw.GetInt32("stmt_location", 0);
            var length = raw.GetInt32("stmt_len", 0);
            location = Math.Clamp(location, 0, utf8Query.Length);
            length = length <= 0 ? utf8Query.Length - location : Math.Min(length, utf8Query.Length - location);
            var text = Encoding.UTF8.GetString(utf8Query.Slice(location, length));
            statements.Add(raw.TryGet("stmt", out var stmt)
                ? AnalyzeStatement(stmt, text)
                : new StatementAnalysis { Kind = StatementKind.Unknown, NodeType = "RawStmt", Text = text });
        }

        return statements.AsReadOnly();
    }

    private static StatementAnalysis AnalyzeStatement(TreeNode stmt, string text)
    {
        if (!TreeWalker.TryUnwrap(stmt, out var type, out var body))
        {
            return new StatementAnalysis { Kind = StatementKind.Unknown, NodeType = "?", Text = text };
        }

        var builder = new StatementBuilder();
        var walker = new TreeWalker(builder);
        StatementAnalysis? inner = null;
        string? settingName = null;
        string? preparedName = null;
        var isLocal = false;
        var explainAnalyze = false;
        var copyEndpoint = CopyEndpoint.None;
        StatementKind kind;

        switch (type)
        {
            case "SelectStmt":
                kind = StatementKind.Select;
                walker.Walk(stmt, RelationAccessKind.Read);
                break;
            case "InsertStmt":
                kind = StatementKind.Insert;
                walker.Walk(stmt, RelationAccessKind.Read);
                break;
            case "UpdateStmt":
                kind = StatementKind.Update;
                walker.Walk(stmt, RelationAccessKind.Read);
                break;
            case "DeleteStmt":
                kind = StatementKind.Delete;
                walker.Walk(stmt, RelationAccessKind.Read);
                break;
            case "MergeStmt":
                kind = StatementKind.Merge;
                walker.Walk(stmt, RelationAccessKind.Read);
                break;
            case "CopyStmt":
                var isFrom = body.GetBool("is_from");
                var isProgram = body.GetBool("is_program");
                kind = isProgram ? StatementKind.CopyProgram : isFrom ? StatementKind.CopyFrom : StatementKind.CopyTo;
                copyEndpoint = isProgram ? CopyEndpoint.Program
                    : body.GetString("filename") is not null ? CopyEndpoint.ServerFile
                    : CopyEndpoint.Client;
                if (body.TryGet("relation", out var copyRelation))
                {
                    walker.AddTarget(copyRelation, isFrom ? RelationAccessKind.Insert : RelationAccessKind.Read);
                }

                walker.WalkExcept(body, RelationAccessKind.Read, "relation", "options");
                break;
            case "ExplainStmt":
                kind = StatementKind.Explain;
                inner = AnalyzeInner(body, text, builder);
                explainAnalyze = HasOption(body, "analyze");
                break;
            case "PrepareStmt":
                kind = StatementKind.Prepare;
                preparedName = body.GetString("name");
                inner = AnalyzeInner(body, text, builder);
                break;
            case "DeclareCursorStmt":
                kind = StatementKind.DeclareCursor;
                inner = AnalyzeInner(body, text, builder);
                break;
            case "ExecuteStmt":
                kind = StatementKind.Execute;
                preparedName = body.GetString("name");
                walker.Walk(body, RelationAccessKind.Read);
                break;
            case "DeallocateStmt":
                kind = StatementKind.Deallocate;
                preparedName = body.GetString("name");
                break;
            case "VariableSetStmt":
                settingName = body.GetString("name")?.ToLowerInvariant();
                isLocal = body.GetBool("is_local");
                kind = settingName switch
                {
                    "role" => StatementKind.SetRole,
                    "session_authorization" => StatementKind.SetSessionAuthorization,
                    _ => body.GetString("kind") is "VAR_RESET" or "VAR_RESET_ALL" ? StatementKind.Reset : StatementKind.Set,
                };
                walker.Walk(body, RelationAccessKind.Read);
                break;
            case "VariableShowStmt":
                kind = StatementKind.Show;
                settingName = body.GetString("name")?.ToLowerInvariant();
                break;
            case "TransactionStmt":
                kind = StatementKind.TransactionControl;
                break;
            case "DiscardStmt":
                kind = StatementKind.Discard;
                break;
            case "ListenStmt":
                kind = StatementKind.Listen;
                break;
            case "NotifyStmt":
                kind = StatementKind.Notify;
                break;
            case "UnlistenStmt":
                kind = StatementKind.Unlisten;
                break;
            case "DoStmt":
                kind = StatementKind.Do;
                break;
            case "LoadStmt":
                kind = StatementKind.Load;
                break;
            case "FetchStmt":
                kind = StatementKind.Fetch;
                break;
            case "ClosePortalStmt":
                kind = StatementKind.Close;
                break;
            case "CallStmt":
                kind = StatementKind.Call;
                if (body.TryGet("funccall", out var funcCall))
                {
                    walker.WalkFuncCall(funcCall);
                }

                break;
            case "LockStmt":
                kind = StatementKind.Lock;
                walker.Walk(body, RelationAccessKind.Lock);
                break;
            case "TruncateStmt":
                kind = StatementKind.Truncate;
                walker.Walk(body, RelationAccessKind.Truncate);
                break;
            case "VacuumStmt":
                kind = body.GetBool("is_vacuumcmd") ? StatementKind.Vacuum : StatementKind.Analyze;
                walker.Walk(body, RelationAccessKind.Maintain);
                break;
            case "CreateTableAsStmt":
                kind = StatementKind.Ddl;
                if (body.TryGet("into", out var into) && into.TryGet("rel", out var intoRelation))
                {
                    walker.AddCreated(intoRelation);
                }

                walker.WalkExcept(body, RelationAccessKind.Read, "into");
                break;
            case "ViewStmt" or "CreateStmt" or "CreateSeqStmt":
                kind = StatementKind.Ddl;
                AddCreatedAndWalkTheRest(walker, body, CreatedRelationField(type));
                break;
            case "DropStmt":
                kind = StatementKind.Ddl;
                AddDropped(body, builder);
                break;
            default:
                if (UtilityNodes.Contains(type))
                {
                    kind = StatementKind.Utility;
                    walker.Walk(body, RelationAccessKind.Maintain);
                }
                else
                {
                    kind = IsDdl(type) ? StatementKind.Ddl : StatementKind.Unknown;
                    walker.Walk(body, RelationAccessKind.Alter);
                }

                break;
        }

        return new StatementAnalysis
        {
            Kind = kind,
            NodeType = type,
            Text = text,
            Relations = builder.Relations,
            Functions = builder.Functions,
            SettingName = settingName,
            IsSetLocal = isLocal,
            CreatedTable = builder.CreatedTable ?? inner?.CreatedTable,
            Inner = inner,
            IsExplainAnalyze = explainAnalyze,
            PreparedStatementName = preparedName,
            CopyEndpoint = copyEndpoint,
        };
    }

    private static StatementAnalysis? AnalyzeInner(TreeNode body, string text, StatementBuilder builder)
    {
        if (!body.TryGet("query", out var query))
        {
            return null;
        }

        var inner = AnalyzeStatement(query, text);
        builder.Include(inner);
        return inner;
    }

    /// <summary>Where a CREATE statement's parse tree names the relation it creates.</summary>
    private static string CreatedRelationField(string type) => type switch
    {
        "ViewStmt" => "view",
        "CreateSeqStmt" => "sequence",
        _ => "relation",
    };

    /// <summary>The created relation (TEMP ones land in pg_temp), then whatever else the statement reads.</summary>
    private static void AddCreatedAndWalkTheRest(TreeWalker walker, TreeNode body, string field)
    {
        if (body.TryGet(field, out var created))
        {
            walker.AddCreated(created);
        }

        walker.WalkExcept(body, RelationAccessKind.Read, field);
    }

    /// <summary>DROP TABLE/VIEW/… lists its objects as name lists, not RangeVars.</summary>
    private static void AddDropped(TreeNode drop, StatementBuilder builder)
    {
        if (drop.GetString("removeType") is not { } removeType || !DroppableRelationTypes.Contains(removeType)
            || !drop.TryGet("objects", out var objects) || objects.Kind != TreeNodeKind.Array)
        {
            return;
        }

        foreach (var item in objects.Items)
        {
            if (TreeWalker.TryUnwrap(item, out var type, out var list) && type == "List" && list.TryGet("items", out var names))
            {
                var (schema, name) = TreeWalker.ReadNameList(names);
                if (name is not null)
                {
                    builder.AddRelation(schema, name, RelationAccessKind.Drop);
                }
            }
        }
    }

    private static bool HasOption(TreeNode statement, string option)
    {
        if (!statement.TryGet("options", out var options) || options.Kind != TreeNodeKind.Array)
        {
            return false;
        }

        foreach (var item in options.Items)
        {
            if (TreeWalker.TryUnwrap(item, out var type, out var defElem) && type == "DefElem"
                && string.Equals(defElem.GetString("defname"), option, StringComparison.Ordinal))
            {
                return true; // even "(ANALYZE false)": reporting it fails closed
            }
        }

        return false;
    }

    private static bool IsDdl(string type) =>
        type.StartsWith("Create", StringComparison.Ordinal)
        || type.StartsWith("Alter", StringComparison.Ordinal)
        || type.StartsWith("Drop", StringComparison.Ordinal)
        || OtherDdlNodes.Contains(type);
}
