using ProxyCluster.Protocol.Errors;

namespace ProxyCluster.Sessions.Lifecycle;

/// <summary>
/// What a session is told when its token stops being honoured. All use 57P01 (admin_shutdown), as PostgreSQL does
/// for a backend terminated from outside; the message says which rule ended it.
/// </summary>
public static class TokenTerminations
{
    public static PostgresError Revoked { get; } =
        PostgresError.Fatal(SqlState.AdminShutdown, "terminating connection because the token was revoked");

    public static PostgresError Expired { get; } =
        PostgresError.Fatal(SqlState.AdminShutdown, "terminating connection because the token expired");

    public static PostgresError SecretRetired { get; } =
        PostgresError.Fatal(SqlState.AdminShutdown, "terminating connection because the token was rotated and the secret it logged in with is no longer valid");

    public static PostgresError ScopesChanged { get; } =
        PostgresError.Fatal(SqlState.AdminShutdown, "terminating connection because the token's policy or routes changed; reconnect to use them");
}
