using ProxyCluster.Protocol.Errors;
using ProxyCluster.Sessions.Policy;

namespace ProxyCluster.Node.Policy;

/// <summary>Fail closed: a token whose policy is unknown here may connect, but runs nothing.</summary>
public sealed class DenyEverythingGate : IStatementGate
{
    private readonly StatementVerdict _denial;

    // The audit records the denial without the query: this gate never parses it, so it has no normalized form.
    public DenyEverythingGate(PostgresError denial) =>
        _denial = StatementVerdict.Deny(denial) with { Facts = StatementAuditFacts.Unreadable(denial.Message) };

    public string? SearchPath => null;

    public bool TryCheck(string sql, out StatementVerdict verdict)
    {
        verdict = _denial;
        return true;
    }

    public ValueTask<StatementVerdict> CheckAsync(string sql) => ValueTask.FromResult(_denial);

    public StatementVerdict Undecodable() => _denial;

    public StatementVerdict FunctionCall() => _denial;
}
