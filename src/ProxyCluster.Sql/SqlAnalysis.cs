namespace ProxyCluster.Sql;

/// <summary>
/// The analysis of one query string (one simple-protocol <c>Query</c> or one <c>Parse</c>). Immutable, so one
/// instance is shared by every session that sends the same text. When <see cref="Error"/> is set the caller
/// must deny the query: the text is either invalid or outside the bounds the parser can handle safely.
/// </summary>
public sealed class SqlAnalysis
{
    private static readonly IReadOnlyList<StatementAnalysis> NoStatements = Array.Empty<StatementAnalysis>();

    private SqlAnalysis(
        IReadOnlyList<StatementAnalysis> statements,
        string? normalizedQuery,
        string? fingerprint,
        SqlAnalysisErrorKind? errorKind,
        string? error,
        int? errorPosition)
    {
        Statements = statements;
        NormalizedQuery = normalizedQuery;
        Fingerprint = fingerprint;
        ErrorKind = errorKind;
        Error = error;
        ErrorPosition = errorPosition;
    }

    /// <summary>The statements in source order; empty for an empty query (or one that is only comments) and on error.</summary>
    public IReadOnlyList<StatementAnalysis> Statements { get; }

    /// <summary>The query with literals replaced by <c>$n</c> (libpg_query's normalization), for the audit trail. Null on error.</summary>
    public string? NormalizedQuery { get; }

    /// <summary>libpg_query's fingerprint (hex): equal for queries that differ only in literals. Null on error.</summary>
    public string? Fingerprint { get; }

    public SqlAnalysisErrorKind? ErrorKind { get; }

    /// <summary>Why the query could not be analysed; null when it was.</summary>
    public string? Error { get; }

    /// <summary>1-based character position of a syntax error, as PostgreSQL reports it; null when unknown.</summary>
    public int? ErrorPosition { get; }

    public bool Succeeded => Error is null;

    internal int CacheCost
    {
        get
        {
            var cost = 64 + (NormalizedQuery?.Length ?? 0) + (Error?.Length ?? 0);
            foreach (var statement in Statements)
            {
                cost += statement.Text.Length + 32 * (statement.Relations.Count + statement.Functions.Count + 1);
            }

            return cost;
        }
    }

    internal static SqlAnalysis Success(IReadOnlyList<StatementAnalysis> statements, string normalizedQuery, string fingerprint) =>
        new(statements, normalizedQuery, fingerprint, null, null, null);

    internal static SqlAnalysis Failure(SqlAnalysisErrorKind kind, string error, int? position = null) =>
        new(NoStatements, null, null, kind, error, position);

    public override string ToString() =>
        Succeeded ? string.Join("; ", Statements) : $"error ({ErrorKind}): {Error}";
}
