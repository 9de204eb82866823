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
}
