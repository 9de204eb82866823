using ProxyCluster.Tokens;

namespace ProxyCluster.Sessions.Policy;

/// <summary>Where a session gets its statement checks from; the node wires the SQL policy engine in.</summary>
public interface IStatementPolicy
{
    /// <summary>
    /// The checks for a session of this token, or null when the token's policy places no limit on statements
    /// (then Query and Parse stream through unread, like every other message). A token whose policy cannot be
    /// found must get a gate that denies everything, never null.
    /// </summary>
    IStatementGate? GateFor(TokenRecord token);
}
