namespace ProxyCluster.Sql.Analysis;

/// <summary>Collects one statement's relations (merging the access flags per name) and functions, in first-seen order.</summary>
internal sealed class StatementBuilder
{
    private readonly Dictionary<(string? Schema, string Name), int> _relationIndex = [];
    private readonly List<RelationAccess> _relations = [];
    private readonly HashSet<(string? Schema, string Name)> _functionSet = [];
    private readonly List<FunctionReference> _functions = [];

    public QualifiedName? CreatedTable { get; set; }

    public void AddRelation(string? schema, string name, RelationAccessKind access)
    {
        if (_relationIndex.TryGetValue((schema, name), out var index))
        {
            var existing = _relations[index];
            if ((existing.Access & access) != access)
            {
                _relations[index] = existing with { Access = existing.Access | access };
            }

            return;
        }

        _relationIndex.Add((schema, name), _relations.Count);
        _relations.Add(new RelationAccess(schema, name, access));
    }

    public void AddFunction(string? schema, string name)
    {
        if (_functionSet.Add((schema, name)))
        {
            _functions.Add(new FunctionReference(schema, name));
        }
    }

    /// <summary>Takes over an inner statement's relations and functions (EXPLAIN, PREPARE, DECLARE).</summary>
    public void Include(StatementAnalysis inner)
    {
        foreach (var relation in inner.Relations)
        {
            AddRelation(relation.Schema, relation.Name, relation.Access);
        }

        foreach (var function in inner.Functions)
        {
            AddFunction(function.Schema, function.Name);
        }
    }

    public IReadOnlyList<RelationAccess> Relations => _relations.Count == 0 ? [] : _relations.AsReadOnly();

    public IReadOnlyList<FunctionReference> Functions => _functions.Count == 0 ? [] : _functions.AsReadOnly();
}
