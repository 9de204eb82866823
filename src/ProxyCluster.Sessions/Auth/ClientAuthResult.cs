using System.Diagnostics.CodeAnalysis;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Tokens;

namespace ProxyCluster.Sessions.Auth;

/// <summary>
/// The outcome of authenticating a client. <see cref="Reason"/> is for logs and audit (never contains what the client
/// presented); <see cref="Error"/> is what the client sees, and never says which part was wrong. Abandoned exchanges
/// (the client hung up mid-way, as psql does to prompt for a password) have neither a token nor an error.
/// </summary>
public sealed record ClientAuthResult(TokenRecord? Token, string Method, string Reason, PostgresError? Error)
{
    [MemberNotNullWhen(true, nameof(Token))]
    public bool Succeeded => Token is not null;

    public bool IsAbandoned => Token is null && Error is null;

    /// <summary>The token's secret the client proved (null for a JWT or certificate): the session lasts only as long as it does.</summary>
    public TokenSecretVerifier? Secret { get; init; }

    public static ClientAuthResult Authenticated(TokenRecord token, string method, TokenSecretVerifier? secret = null) =>
        new(token, method, "authenticated", null) { Secret = secret };

    public static ClientAuthResult Refused(string user, string method, string reason) =>
        new(null, method, reason, PostgresError.Fatal(SqlState.InvalidPassword, $"password authentication failed for user \"{user}\""));

    public static ClientAuthResult Abandoned(string method) => new(null, method, "client closed the connection during authentication", null);
}
