using System.Globalization;
using ProxyCluster.Policy;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Sessions.Policy;
using ProxyCluster.Sql;

namespace ProxyCluster.Node.Policy;

/// <summary>
/// One session's statement checks: analyse with libpg_query (cached), decide with the policy. Text the parser rejects
/// gets the error the server would give (42601 with the position) rather than a policy denial; it is never sent.
/// </summary>
public sealed class SqlStatementGate : IStatementGate
{
    private readonly SqlPolicy _policy;
    private readonly SqlAnalyzer _analyzer;

    public SqlStatementGate(SqlPolicy policy, SqlAnalyzer analyzer)
    {
        _policy = policy;
        _analyzer = analyzer;
    }

    public string? SearchPath => _policy.SearchPathSetting;

    public int? MaxConnectionsPerNode => _policy.MaxConnectionsPerNode;

    public bool TryCheck(string sql, out StatementVerdict verdict)
    {
        if (_analyzer.TryAnalyzeWithoutWaiting(sql, out var analysis))
        {
            verdict = Decide(analysis);
            return true;
        }

        verdict = default;
        return false;
    }

    public async ValueTask<StatementVerdict> CheckAsync(string sql) => Decide(await _analyzer.AnalyzeAsync(sql).ConfigureAwait(false));

    public StatementVerdict Undecodable() =>
        StatementVerdict.Deny(PostgresError.Error(SqlState.CharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\""))
            with { Facts = StatementAuditFacts.Unreadable("invalid UTF-8") };

    public StatementVerdict FunctionCall() =>
        StatementVerdict.Deny(PostgresError.Error(SqlState.InsufficientPrivilege, $"policy \"{_policy.Name}\" does not allow the fast-path function call interface"))
            with { Facts = StatementAuditFacts.Unreadable("fast-path function call") };

    private StatementVerdict Decide(SqlAnalysis analysis)
    {
        if (!analysis.Succeeded)
        {
            // The audit names the kind of failure, never the parser's message (which may quote the query).
            return StatementVerdict.Deny(AnalysisError(analysis)) with { Facts = StatementAuditFacts.Unreadable($"not analysable: {analysis.ErrorKind}") };
        }

        var decision = _policy.Evaluate(analysis);
        var facts = AuditFactsCache.For(decision);
        return decision.Allowed
            ? StatementVerdict.Allow with { Facts = facts }
            : StatementVerdict.Deny(PostgresError.Error(SqlState.InsufficientPrivilege, decision.Reason)) with { Facts = facts };
    }

    private static PostgresError AnalysisError(SqlAnalysis analysis)
    {
        var (state, message) = analysis.ErrorKind switch
        {
            SqlAnalysisErrorKind.SyntaxError => (SqlState.SyntaxError, analysis.Error!),
            SqlAnalysisErrorKind.InvalidEncoding => (SqlState.CharacterNotInRepertoire, analysis.Error!),
            SqlAnalysisErrorKind.QueryTooLong or SqlAnalysisErrorKind.TooDeeplyNested =>
                (SqlState.StatementTooComplex, $"statement is too complex to be checked by the proxy: {analysis.Error}"),
            _ => (SqlState.InsufficientPrivilege, $"statement could not be checked by the proxy: {analysis.Error}"),
        };
        var error = PostgresError.Error(state, message);
        if (analysis.ErrorPosition is not { } position)
        {
            return error;
        }

        return new PostgresError([.. error.Fields, new(ErrorField.Position, position.ToString(CultureInfo.InvariantCulture))]);
    }
}
