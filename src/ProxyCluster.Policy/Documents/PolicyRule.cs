namespace ProxyCluster.Policy;

/// <summary>
/// One allow or deny rule: statement keywords × table patterns, plus function names. See POLICY.md for the
/// keywords and the pattern syntax.
/// </summary>
public sealed record PolicyRule
{
    /// <summary>How messages and the audit trail name the rule (<c>name</c> or <c>id</c> in the document); null gives <c>allow[0]</c>-style names.</summary>
    public string? Name { get; init; }

    public string? Description { get; init; }

    /// <summary>Statement keywords (<c>select</c>, <c>insert</c>, …, or <c>all</c>).</summary>
    public IReadOnlyList<string> Statements { get; init; } = [];

    /// <summary>Table patterns (<c>schema.table</c>, <c>schema.*</c>, <c>table</c>, <c>*</c>). Null when the document has no <c>tables</c>.</summary>
    public IReadOnlyList<string>? Tables { get; init; }

    /// <summary>Function patterns (<c>name</c>, <c>schema.name</c>, <c>schema.*</c>, <c>*</c>) this rule allows (or, in a deny rule, denies).</summary>
    public IReadOnlyList<string> Functions { get; init; } = [];
}
