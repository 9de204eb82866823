namespace ProxyCluster.Node.Configuration;

/// <summary>Where clients asking for database <see cref="Name"/> (or any, for <c>*</c>) are sent, and as whom.</summary>
public sealed class RouteOptions
{
    public string Name { get; set; } = "*";

    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 5432;

    /// <summary>Upstream database; null means the name the client asked for.</summary>
    public string? Database { get; set; }

    public string User { get; set; } = string.Empty;

    /// <summary>File holding the upstream role's password; re-read at every connect, so replacing it rotates the password.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>Environment variable holding the password, when no file is used.</summary>
    public string? PasswordEnv { get; set; }

    public int ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// search_path pinned for every session (clients cannot change it when a policy applies). Default "public";
    /// an empty string leaves the upstream role's default.
    /// </summary>
    public string SearchPath { get; set; } = "public";

    /// <summary>
    /// TLS to the server, as libpq's sslmode: <c>verify-full</c> (the default for any host but loopback; the
    /// certificate must chain to <see cref="TlsCaFile"/>, or the system's roots, and name <see cref="Host"/>),
    /// <c>require</c> (encrypted, not verified) or <c>disable</c> (the default for a loopback host, and only allowed there).
    /// </summary>
    public string? Tls { get; set; }

    /// <summary>
    /// Record the values each prepared statement is executed with (Bind parameters) in the audit trail, up to 256
    /// bytes each. Off by default: they are what literals would have been, and may be secrets.
    /// </summary>
    public bool AuditParameterValues { get; set; }

    /// <summary>PEM file of the CA certificates trusted for this route's server with <c>verify-full</c>; re-read at every connect.</summary>
    public string? TlsCaFile { get; set; }
}
