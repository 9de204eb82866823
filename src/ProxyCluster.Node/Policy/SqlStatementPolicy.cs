using ProxyCluster.Policy;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Sessions.Policy;
using ProxyCluster.Sql;
using ProxyCluster.Tokens;

namespace ProxyCluster.Node.Policy;

/// <summary>
/// Gives each session the checks of its token's policy: a gate over the shared SQL analyzer, or one that denies
/// everything when the token names a policy this node does not know.
/// </summary>
public sealed class SqlStatementPolicy : IStatementPolicy
{
    private readonly PolicyCatalog _catalog;
    private readonly SqlAnalyzer _analyzer;

    public SqlStatementPolicy(PolicyCatalog catalog, SqlAnalyzer analyzer)
    {
        _catalog = catalog;
        _analyzer = analyzer;
    }

    public IStatementGate? GateFor(TokenRecord token)
    {
        if (!_catalog.TryGet(token.Policy, out var policy))
        {
            return new DenyEverythingGate(PostgresError.Error(
                SqlState.InsufficientPrivilege,
                $"policy \"{token.Policy}\" of this token is not defined on this node",
                hint: "Every statement is denied until the policy exists."));
        }

        // Even unrestricted sessions are checked: the proxy must still read every query as the server will
        // (client_encoding, standard_conforming_strings stay pinned) and refuse what it cannot read.
        return new SqlStatementGate(policy, _analyzer);
    }
}
