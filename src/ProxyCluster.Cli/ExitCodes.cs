namespace ProxyCluster.Cli;

/// <summary>proxyctl's exit codes. Scripts may rely on them; the node's answers map onto them as ADMIN-API.md says.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>
    /// Anything that went wrong after the command line was understood and that no code below names: a file that
    /// cannot be read or written, an answer from the node proxyctl cannot make sense of, a 5xx other than 503.
    /// </summary>
    public const int Failure = 1;

    /// <summary>
    /// The request was wrong: an unknown option, a missing value, a bad duration or id, no node to talk to; or the
    /// node answered 400 (malformed request, unknown policy or route).
    /// </summary>
    public const int Usage = 2;

    /// <summary>The node answered 404: no such token or session.</summary>
    public const int NotFound = 3;

    /// <summary>The node answered 409: the token's state forbids it (rotating a revoked token, an id already taken).</summary>
    public const int Conflict = 4;

    /// <summary>
    /// The node cannot be reached (refused, unresolvable, no answer within the timeout) or answered 503 (its control
    /// store, or the node owning a session, is unreachable). Nothing was changed; retrying later may work.
    /// </summary>
    public const int Unavailable = 5;

    /// <summary>The node answered 401 (or 403): the admin token is missing or wrong.</summary>
    public const int Unauthorized = 6;
}
