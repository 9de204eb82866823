using ProxyCluster.Audit;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Sessions.Auth;
using ProxyCluster.Tokens;

namespace ProxyCluster.Sessions.Audit;

/// <summary>
/// One connection's session records (connected, authenticated or refused, terminated) and the session metrics.
/// Reasons are the proxy's own words (e.g. "wrong secret"); no record ever holds what the client presented.
/// </summary>
internal sealed class SessionEvents
{
    private readonly SessionServices _services;
    private readonly ClientConnection _client;
    private string? _tokenId;
    private string? _principal;
    private string? _database;

    public SessionEvents(SessionServices services, ClientConnection client, long sessionNumber)
    {
        _services = services;
        _client = client;
        SessionId = $"{services.CancelKeys.NodeOrdinal}-{sessionNumber}";
    }

    /// <summary><c>&lt;node ordinal&gt;-&lt;n&gt;</c>, the id the admin API shows.</summary>
    public string SessionId { get; }

    public void Connected() => Write(SessionAuditEvent.Connected, null, null, null);

    public void Authenticated(TokenRecord token, string method, string database)
    {
        _tokenId = token.Id;
        _principal = token.Principal;
        _database = database;
        _services.Metrics?.Authenticated(method);
        Write(SessionAuditEvent.Authenticated, MethodOf(method), null, null);
    }

    public void AuthenticationFailed(string user, string method, string reason, PostgresError error)
    {
        // The user name is public (pct_<id>); it says which token was tried, never with what.
        _tokenId = ApiToken.NormalizeUserToId(user) is var id && ApiToken.IsValidId(id) ? id : null;
        _services.Metrics?.AuthenticationFailed(method);
        _services.Metrics?.SessionRefused();
        Write(SessionAuditEvent.Refused, MethodOf(method), reason, error.SqlState);
    }

    public void Refused(PostgresError error, bool countAsRefused = true)
    {
        if (countAsRefused)
        {
            _services.Metrics?.SessionRefused();
        }

        Write(SessionAuditEvent.Refused, null, error.Message, error.SqlState);
    }

    public void Relaying() => _services.Metrics?.SessionRelayed();

    public void Terminated(string reason) => Write(SessionAuditEvent.Terminated, null, reason, null);

    public SessionIdentity Identity(TokenRecord token, string database) =>
        new(_services.NodeId, SessionId, token.Id, token.Principal, _client.RemoteAddress, database);

    private void Write(SessionAuditEvent kind, AuditAuthMethod? method, string? reason, string? sqlState) =>
        _services.Audit?.TryWrite(new SessionAuditRecord
        {
            Time = _services.Time.GetUtcNow(),
            NodeId = _services.NodeId,
            SessionId = SessionId,
            ClientAddress = _client.RemoteAddress,
            Event = kind,
            TokenId = _tokenId,
            Principal = _principal,
            AuthMethod = method,
            Database = _database,
            Reason = reason,
            SqlState = sqlState,
        });

    private static AuditAuthMethod? MethodOf(string method) => method switch
    {
        ClientAuthenticator.ScramMethod => AuditAuthMethod.Scram,
        ClientAuthenticator.ScramPlusMethod => AuditAuthMethod.ScramPlus,
        ClientAuthenticator.CleartextMethod => AuditAuthMethod.Cleartext,
        ClientAuthenticator.CertificateMethod => AuditAuthMethod.Certificate,
        ClientAuthenticator.JwtMethod => AuditAuthMethod.Jwt,
        _ => null,
    };
}
