namespace ProxyCluster.Sql.Analysis;

/// <summary>
/// Walks libpg_query's JSON parse tree with an explicit stack (the tree can be thousands of levels deep) and
/// records every relation and function into a <see cref="StatementBuilder"/>.
/// </summary>
/// <remarks>
/// In the JSON a field of a generic node type is wrapped (<c>{"RangeVar": {…}}</c>) while a field of a
/// specific type is not (<c>"relation": {"relname": …}</c>). The walker therefore recognises nodes by their
/// wrapper and, for unwrapped relations, by the <c>relname</c> field that only RangeVar has; anything it
/// does not know is descended into generically, so a relation or function in an unexpected place is still
/// found (with the access of the surrounding context).
/// </remarks>
internal sealed class TreeWalker
{
    private readonly StatementBuilder _builder;
    private readonly Stack<Visit> _stack = new();
    private readonly List<Visit> _pendingCtes = [];

    public TreeWalker(StatementBuilder builder) => _builder = builder;

    private enum Hint : byte
    {
        None,
        SelectStmt,
        FuncCall,
    }

    /// <summary>Walks <paramref name="node"/> (wrapped or not) and everything below it.</summary>
    public void Walk(TreeNode node, RelationAccessKind access) => Run(new Visit(node, null, access, Hint.None));

    /// <summary>Walks an unwrapped FuncCall (CallStmt.funccall).</summary>
    public void WalkFuncCall(TreeNode funcCall) => Run(new Visit(funcCall, null, RelationAccessKind.Read, Hint.FuncCall));

    /// <summary>Walks every property of <paramref name="node"/> except the named ones.</summary>
    public void WalkExcept(TreeNode node, RelationAccessKind access, string except1, string? except2 = null)
    {
        foreach (var property in node.Properties)
        {
            if (property.Name == except1 || property.Name == except2)
            {
                continue;
            }

            Run(new Visit(property.Value, null, access, Hint.None));
        }
    }

    /// <summary>Records a relation that is a real table whatever CTEs are in scope (DML targets, DDL objects).</summary>
    public void AddTarget(TreeNode rangeVar, RelationAccessKind access)
    {
        if (TryUnwrap(rangeVar, out _, out var body))
        {
            rangeVar = body;
        }

        if (rangeVar.GetString("relname") is not { } relname)
        {
            return;
        }

        var schema = rangeVar.GetString("schemaname");
        if (schema is null && (access & RelationAccessKind.Create) != 0 && rangeVar.GetString("relpersistence") == "t")
        {
            schema = "pg_temp"; // CREATE TEMP TABLE / SELECT … INTO TEMP: lands in the session's temporary schema
        }

        _builder.AddRelation(schema, relname, access);
    }

    public static bool TryUnwrap(TreeNode element, out string type, out TreeNode body)
    {
        if (element.Kind == TreeNodeKind.Object && element.Properties.Length == 1)
        {
            var only = element.Properties[0];
            if (only.Value.Kind == TreeNodeKind.Object && only.Name.Length > 0 && char.IsAsciiLetterUpper(only.Name[0]))
            {
                type = only.Name;
                body = only.Value;
                return true;
            }
        }

        type = string.Empty;
        body = null!;
        return false;
    }

    /// <summary>Reads a name list (<c>[{"String": {"sval": "s"}}, {"String": {"sval": "f"}}]</c>) as (schema, name); a catalog prefix is dropped.</summary>
    public static (string? Schema, string? Name) ReadNameList(TreeNode list)
    {
        string? previous = null;
        string? last = null;
        foreach (var item in list.Items)
        {
            previous = last;
            last = TryUnwrap(item, out var type, out var body) && type == "String" ? body.GetString("sval") : null;
        }

        return (previous, last);
    }

    private void Run(Visit start)
    {
        Push(start);
        while (_stack.TryPop(out var visit))
        {
            Dispatch(visit);
        }
    }

    private void Push(Visit visit)
    {
        if (visit.Element.IsContainer)
        {
            _stack.Push(visit);
        }
    }

    private void Push(TreeNode element, CteScope? ctes, RelationAccessKind access, Hint hint = Hint.None) =>
        Push(new Visit(element, ctes, access, hint));

    private void Dispatch(Visit visit)
    {
        var element = visit.Element;
        switch (visit.Hint)
        {
            case Hint.SelectStmt:
                VisitSelect(element, visit);
                return;
            case Hint.FuncCall:
                VisitFuncCall(element, visit);
                return;
            default:
                break;
        }

        if (element.Kind == TreeNodeKind.Array)
        {
            var items = element.Items;
            for (var i = items.Length - 1; i >= 0; i--)
            {
                Push(items[i], visit.Ctes, visit.Access);
            }

            return;
        }

        if (TryUnwrap(element, out var type, out var body))
        {
            VisitNode(type, body, visit);
        }
        else
        {
            VisitObject(element, visit);
        }
    }

    private void VisitNode(string type, TreeNode body, Visit visit)
    {
        switch (type)
        {
            case "RangeVar":
                AddRangeVar(body, visit);
                break;
            case "SelectStmt":
                VisitSelect(body, visit);
                break;
            case "InsertStmt":
                VisitInsert(body, visit);
                break;
            case "UpdateStmt":
                VisitModify(body, visit, RelationAccessKind.Update);
                break;
            case "DeleteStmt":
                VisitModify(body, visit, RelationAccessKind.Delete);
                break;
            case "MergeStmt":
                VisitMerge(body, visit);
                break;
            case "FuncCall":
                VisitFuncCall(body, visit);
                break;
            case "SubLink":
                PushProperties(body, visit.Ctes, _ => RelationAccessKind.Read);
                break;
            case "LockingClause":
                // lockedRels names FROM items (possibly aliases), not tables; the lock itself is applied in VisitSelect.
                break;
            case "Constraint":
                if (body.TryGet("pktable", out var pktable))
                {
                    AddTarget(pktable, RelationAccessKind.References);
                }

                PushProperties(body, visit.Ctes, name => name == "pktable" ? RelationAccessKind.None : visit.Access);
                break;
            case "TableLikeClause":
                if (body.TryGet("relation", out var likeRelation))
                {
                    AddTarget(likeRelation, RelationAccessKind.Read);
                }

                break;
            default:
                VisitObject(body, visit);
                break;
        }
    }

    /// <summary>An unwrapped object: a RangeVar if it has <c>relname</c>, otherwise just a container.</summary>
    private void VisitObject(TreeNode obj, Visit visit)
    {
        if (obj.GetString("relname") is not null)
        {
            AddRangeVar(obj, visit);
            return;
        }

        PushProperties(obj, visit.Ctes, _ => visit.Access);
    }

    private void AddRangeVar(TreeNode rangeVar, Visit visit)
    {
        var name = rangeVar.GetString("relname");
        if (name is null)
        {
            return;
        }

        var schema = rangeVar.GetString("schemaname");
        if (schema is null && CteScope.Contains(visit.Ctes, name))
        {
            return; // a reference to a WITH query, not to a table
        }

        _builder.AddRelation(schema, name, visit.Access);
    }

    private void VisitFuncCall(TreeNode funcCall, Visit visit)
    {
        if (funcCall.TryGet("funcname", out var funcname))
        {
            var (schema, name) = ReadNameList(funcname);
            if (name is not null)
            {
                _builder.AddFunction(schema, name);
            }
        }

        PushProperties(funcCall, visit.Ctes, name => name == "funcname" ? RelationAccessKind.None : RelationAccessKind.Read);
    }

    private void VisitSelect(TreeNode select, Visit visit)
    {
        var ctes = EnterWith(select, visit.Ctes);
        // A query reads; the only access it inherits is a row lock from an enclosing FOR UPDATE (through a
        // sub-select in FROM). DDL that embeds a query (rules, SQL function bodies) does not make it an Alter.
        var inherited = RelationAccessKind.Read | (visit.Access & RelationAccessKind.Lock);
        var fromAccess = inherited;
        if (select.TryGet("lockingClause", out var locking) && locking.Kind == TreeNodeKind.Array && locking.Items.Length > 0)
        {
            // FOR UPDATE / FOR SHARE / …: without a list, PostgreSQL locks rows of every table in FROM, including
            // inside sub-selects in FROM. A list of names narrows that, but reporting all of them fails closed.
            fromAccess |= RelationAccessKind.Lock;
        }

        if (select.TryGet("intoClause", out var into) && into.TryGet("rel", out var intoRelation))
        {
            AddCreated(intoRelation);
        }

        PushProperties(select, ctes, name => name switch
        {
            "withClause" or "lockingClause" or "intoClause" => RelationAccessKind.None,
            "fromClause" => fromAccess,
            _ => RelationAccessKind.Read,
        }, setOperands: inherited);
        PushPendingCtes();
    }

    private void VisitInsert(TreeNode insert, Visit visit)
    {
        var ctes = EnterWith(insert, visit.Ctes);
        var access = RelationAccessKind.Insert;
        if (insert.TryGet("onConflictClause", out var onConflict) && onConflict.GetString("action") == "ONCONFLICT_UPDATE")
        {
            access |= RelationAccessKind.Update;
        }

        if (insert.HasItems("returningList"))
        {
            access |= RelationAccessKind.Read; // RETURNING reads the target, as PostgreSQL's SELECT privilege check does
        }

        if (insert.TryGet("relation", out var target))
        {
            AddTarget(target, access);
        }

        PushProperties(insert, ctes, name => name is "relation" or "withClause" ? RelationAccessKind.None : RelationAccessKind.Read);
        PushPendingCtes();
    }

    /// <summary>UPDATE … [FROM] and DELETE … [USING]: the target needs <paramref name="access"/>, everything else is read.</summary>
    private void VisitModify(TreeNode statement, Visit visit, RelationAccessKind access)
    {
        var ctes = EnterWith(statement, visit.Ctes);
        if (statement.HasItems("returningList"))
        {
            access |= RelationAccessKind.Read;
        }

        if (statement.TryGet("relation", out var target))
        {
            AddTarget(target, access);
        }

        PushProperties(statement, ctes, name => name is "relation" or "withClause" ? RelationAccessKind.None : RelationAccessKind.Read);
        PushPendingCtes();
    }

    private void VisitMerge(TreeNode merge, Visit visit)
    {
        var ctes = EnterWith(merge, visit.Ctes);
        var access = RelationAccessKind.None;
        if (merge.TryGet("mergeWhenClauses", out var clauses) && clauses.Kind == TreeNodeKind.Array)
        {
            foreach (var clause in clauses.Items)
            {
                var body = TryUnwrap(clause, out _, out var unwrapped) ? unwrapped : clause;
                access |= body.GetString("commandType") switch
                {
                    "CMD_INSERT" => RelationAccessKind.Insert,
                    "CMD_UPDATE" => RelationAccessKind.Update,
                    "CMD_DELETE" => RelationAccessKind.Delete,
                    _ => RelationAccessKind.None,
                };
            }
        }

        if (merge.TryGet("relation", out var target))
        {
            AddTarget(target, access == RelationAccessKind.None ? RelationAccessKind.Read : access);
        }

        PushProperties(merge, ctes, name => name is "relation" or "withClause" ? RelationAccessKind.None : RelationAccessKind.Read);
        PushPendingCtes();
    }

    /// <summary>The relation a statement creates: a Create target, and the statement's created table (a TEMP one in pg_temp).</summary>
    public void AddCreated(TreeNode rangeVar)
    {
        AddTarget(rangeVar, RelationAccessKind.Create);
        if (_builder.CreatedTable is null && rangeVar.GetString("relname") is { } name)
        {
            var schema = rangeVar.GetString("schemaname")
                ?? (rangeVar.GetString("relpersistence") == "t" ? "pg_temp" : null);
            _builder.CreatedTable = new QualifiedName(schema, name);
        }
    }

    /// <summary>
    /// Computes the scope a statement's WITH clause gives its body and queues the CTE queries (pushed after the
    /// body by <see cref="PushPendingCtes"/>, so they are walked first). A plain WITH query sees the CTEs
    /// before it; in WITH RECURSIVE every CTE sees all of them, itself included.
    /// </summary>
    private CteScope? EnterWith(TreeNode statement, CteScope? outer)
    {
        _pendingCtes.Clear();
        if (!statement.TryGet("withClause", out var with) || !with.TryGet("ctes", out var ctes)
            || ctes.Kind != TreeNodeKind.Array)
        {
            return outer;
        }

        var recursive = with.GetBool("recursive");
        var scope = outer;
        if (recursive)
        {
            foreach (var cte in ctes.Items)
            {
                if (CteName(cte) is { } name)
                {
                    scope = new CteScope(name, scope);
                }
            }
        }

        foreach (var cte in ctes.Items)
        {
            var body = TryUnwrap(cte, out _, out var unwrapped) ? unwrapped : cte;
            if (body.TryGet("ctequery", out var query))
            {
                _pendingCtes.Add(new Visit(query, scope, RelationAccessKind.Read, Hint.None));
            }

            if (!recursive && CteName(cte) is { } name)
            {
                scope = new CteScope(name, scope);
            }
        }

        return scope;
    }

    private void PushPendingCtes()
    {
        for (var i = _pendingCtes.Count - 1; i >= 0; i--)
        {
            Push(_pendingCtes[i]);
        }

        _pendingCtes.Clear();
    }

    private static string? CteName(TreeNode cte) =>
        (TryUnwrap(cte, out _, out var body) ? body : cte).GetString("ctename");

    /// <summary>
    /// Pushes the object's property values (in reverse, so they are walked in document order) with the access
    /// <paramref name="accessFor"/> gives each property; <see cref="RelationAccessKind.None"/> skips it.
    /// <c>larg</c>/<c>rarg</c> of a set operation are unwrapped SelectStmts and get <paramref name="setOperands"/>.
    /// </summary>
    private void PushProperties(TreeNode obj, CteScope? ctes, Func<string, RelationAccessKind> accessFor, RelationAccessKind setOperands = RelationAccessKind.None)
    {
        var properties = obj.Properties;
        for (var i = properties.Length - 1; i >= 0; i--)
        {
            var property = properties[i];
            if (!property.Value.IsContainer)
            {
                continue;
            }

            var name = property.Name;
            if (setOperands != RelationAccessKind.None && name is "larg" or "rarg")
            {
                Push(property.Value, ctes, setOperands, Hint.SelectStmt);
                continue;
            }

            var access = accessFor(name);
            if (access != RelationAccessKind.None)
            {
                Push(property.Value, ctes, access);
            }
        }
    }

    private readonly record struct Visit(TreeNode Element, CteScope? Ctes, RelationAccessKind Access, Hint Hint);
}
