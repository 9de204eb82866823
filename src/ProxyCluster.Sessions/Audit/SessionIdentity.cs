namespace ProxyCluster.Sessions.Audit;

/// <summary>Who a session is, as every audit record of it says: node, session id (<c>ordinal-n</c>), token, principal, client, database.</summary>
public sealed record SessionIdentity(string NodeId, string SessionId, string TokenId, string Principal, string ClientAddress, string Database);
