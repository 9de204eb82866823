using ProxyCluster.Audit;

namespace ProxyCluster.Control.Audit;

/// <summary>
/// What <see cref="AuditQueries.SearchAsync"/> looks for; every filter that is set must match. Without
/// <see cref="AfterId"/> the newest <see cref="Limit"/> matches come first (by time); with it, the oldest matches
/// whose id is greater, by id, which is how a follower reads on from the last record it saw.
/// </summary>
public sealed record AuditSearch
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Records of this token (its public id).</summary>
    public string? TokenId { get; init; }

    /// <summary>
    /// Statements touching this relation: <c>schema.table</c>, or a bare <c>table</c> in any schema. Compared case
    /// insensitively. A qualified name also finds statements that named the table without a schema: the record
    /// does not hold the route's search_path that decided which schema that was.
    /// </summary>
    public string? Table { get; init; }

    public AuditDecision? Decision { get; init; }

    public AuditRecordType? Type { get; init; }

    /// <summary>Records at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Records before this time.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Only records with a greater id, oldest first.</summary>
    public long? AfterId { get; init; }

    public int Limit { get; init; } = DefaultLimit;

    /// <summary>A table filter is <c>table</c> or <c>schema.table</c>: not empty, and no empty part around a dot.</summary>
    public static bool IsValidTable(string? table) =>
        !string.IsNullOrWhiteSpace(table) && table[0] != '.' && table[^1] != '.' && !table.Contains("..", StringComparison.Ordinal);

    /// <summary>What is wrong with this search, or null.</summary>
    public string? Validate()
    {
        if (Limit is < 1 or > MaxLimit)
        {
            return $"limit must be between 1 and {MaxLimit}";
        }

        if (TokenId is not null && string.IsNullOrWhiteSpace(TokenId))
        {
            return "token must not be empty";
        }

        if (Table is not null && !IsValidTable(Table))
        {
            return $"table must be a table or schema.table, not \"{Table}\"";
        }

        if (AfterId is < 0)
        {
            return "after must not be negative";
        }

        if (Since is { } since && Until is { } until && since >= until)
        {
            return "since must be before until";
        }

        return null;
    }
}
