namespace ProxyCluster.Sessions.Policy;

/// <summary>
/// Decides whether one query string (a Query, or the SQL of a Parse) may reach the server. Called on the relay
/// path for every such message: <see cref="TryCheck"/> answers what can be answered at once (a query seen before)
/// on the socket thread; anything that needs parsing goes through <see cref="CheckAsync"/>, off that thread.
/// </summary>
public interface IStatementGate
{
    /// <summary>
    /// The search_path the policy resolves unqualified names against, sent in the upstream startup packet (so even
    /// RESET ALL returns to it); null leaves the route's.
    /// </summary>
    string? SearchPath { get; }

    /// <summary>At most this many sessions of the token on this node; null for no limit.</summary>
    int? MaxConnectionsPerNode => null;

    bool TryCheck(string sql, out StatementVerdict verdict);

    ValueTask<StatementVerdict> CheckAsync(string sql);

    /// <summary>A query that could not even be decoded (invalid UTF-8): what to tell the client.</summary>
    StatementVerdict Undecodable();

    /// <summary>The fast-path FunctionCall message names a function by OID; it bypasses SQL and is refused.</summary>
    StatementVerdict FunctionCall();
}
