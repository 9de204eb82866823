using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using ProxyCluster.Policy.Compilation;
using ProxyCluster.Policy.Evaluation;
using ProxyCluster.Sql;

namespace ProxyCluster.Policy;

/// <summary>
/// A compiled, immutable policy: what a token may do, statement by statement. Built from a
/// <see cref="PolicyDocument"/> by <see cref="Compile"/>, or one of the built-ins <see cref="Unrestricted"/> and
/// <see cref="ReadOnly"/>. Thread-safe; evaluation results are cached per <see cref="SqlAnalysis"/> instance
/// (the analyzer caches and shares those), so a repeated statement costs one lookup.
/// </summary>
/// <remarks>Named <c>SqlPolicy</c>, not <c>Policy</c>: code in any <c>ProxyCluster.*</c> namespace would read <c>Policy</c> as the namespace.</remarks>
public sealed class SqlPolicy
{
    public const string UnrestrictedName = "unrestricted";
    public const string ReadOnlyName = "read-only";

    private readonly ConditionalWeakTable<SqlAnalysis, PolicyDecision> _decisions = new();
    private readonly ConditionalWeakTable<SqlAnalysis, PolicyDecision>.CreateValueCallback _decide;

    private SqlPolicy(
        string name,
        string? description,
        PolicyDocument? document,
        bool isUnrestricted,
        IReadOnlyList<string>? searchPath,
        CompiledRule[] allowRules,
        CompiledRule[] denyRules,
        FrozenSet<string> allowSet,
        bool allowTempTables,
        bool allowCatalogReads)
    {
        Name = name;
        Description = description;
        Document = document;
        IsUnrestricted = isUnrestricted;
        SearchPath = searchPath;
        SearchPathSetting = searchPath is null ? null : string.Join(", ", searchPath.Select(SqlName.Quote));
        AllowRules = allowRules;
        DenyRules = denyRules;
        AllowSet = allowSet;
        AllowTempTables = allowTempTables;
        AllowCatalogReads = allowCatalogReads;
        Quoted = "policy \"" + name + "\"";
        _decide = analysis => PolicyEvaluator.Compute(this, analysis);
    }

    /// <summary>Every statement the route's upstream role may run, with no function checks: for migrations and tools.</summary>
    public static SqlPolicy Unrestricted { get; } = new(
        UnrestrictedName,
        "Everything the route's upstream role may do (for migrations and tools).",
        null,
        isUnrestricted: true,
        searchPath: null,
        [],
        [],
        FrozenSet<string>.Empty,
        allowTempTables: true,
        allowCatalogReads: true);

    /// <summary>
    /// SELECT and COPY TO on every table, SHOW, EXPLAIN of those, transaction control, harmless SETs, and the
    /// side-effect-free functions. Does not pin search_path (every table is readable anyway).
    /// </summary>
    public static SqlPolicy ReadOnly { get; } = new(
        ReadOnlyName,
        "Reads of every table: SELECT, COPY TO, SHOW, EXPLAIN of reads, transaction control, harmless settings.",
        null,
        isUnrestricted: false,
        searchPath: null,
        [new CompiledRule("read-everything", isDeny: false, Permission.Select | Permission.CopyTo, [new SqlName(null, null)], [])],
        [],
        FrozenSet<string>.Empty,
        allowTempTables: false,
        allowCatalogReads: true);

    public string Name { get; }

    public string? Description { get; }

    /// <summary>The document the policy was compiled from; null for the built-ins.</summary>
    public PolicyDocument? Document { get; }

    public bool IsBuiltIn => Document is null;

    /// <summary>The <see cref="Unrestricted"/> policy: everything is allowed except what the proxy cannot read safely.</summary>
    public bool IsUnrestricted { get; }

    /// <summary>
    /// The schemas the session must pin <c>search_path</c> to, or null when the policy does not need it pinned.
    /// Unqualified names are resolved against these.
    /// </summary>
    public IReadOnlyList<string>? SearchPath { get; }

    /// <summary><see cref="SearchPath"/> as a <c>search_path</c> value (identifiers quoted where needed), e.g. for the startup packet.</summary>
    public string? SearchPathSetting { get; }

    internal CompiledRule[] AllowRules { get; }

    internal CompiledRule[] DenyRules { get; }

    internal FrozenSet<string> AllowSet { get; }

    internal bool AllowTempTables { get; }

    internal bool AllowCatalogReads { get; }

    /// <summary>The document's <c>max_connections_per_node</c>; null for none (the built-in policies have none).</summary>
    public int? MaxConnectionsPerNode => Document?.Settings.MaxConnectionsPerNode;

    /// <summary><c>policy "name"</c>, for messages.</summary>
    internal string Quoted { get; }

    /// <summary>Checks a document and compiles it.</summary>
    /// <exception cref="PolicyLoadException">The document is not valid; the message lists every problem.</exception>
    public static SqlPolicy Compile(PolicyDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var compiled = PolicyCompiler.Compile(document);
        return new SqlPolicy(
            document.Name,
            document.Description,
            document,
            isUnrestricted: false,
            compiled.SearchPath,
            compiled.AllowRules,
            compiled.DenyRules,
            compiled.AllowSet,
            document.Settings.AllowTempTables,
            document.Settings.AllowCatalogReads);
    }

    /// <summary>The decision for a query (all of its statements). Same as <see cref="PolicyEvaluator.Evaluate"/>.</summary>
    public PolicyDecision Evaluate(SqlAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        return _decisions.GetValue(analysis, _decide);
    }

    /// <summary>
    /// Whether a parameter of the client's startup packet may be forwarded upstream. The session handles
    /// <c>user</c>, <c>database</c> and protocol options (<c>_pq_.*</c>) itself; everything else is a setting and
    /// is allowed when <c>SET</c> of it would be, except that <c>client_encoding</c> must be UTF8,
    /// <c>standard_conforming_strings</c> must be on, and <c>options</c>, <c>replication</c> and the pinned
    /// <c>search_path</c> are refused.
    /// </summary>
    public StartupParameterDecision CheckStartupParameter(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        return StartupParameters.Check(this, name, value);
    }

    public override string ToString() => Name;
}
