namespace ProxyCluster.Node.Configuration;

/// <summary>
/// The PostgreSQL that holds the token journal and node membership (see src/ProxyCluster.Control/CONTROL.md).
/// When configured, tokens come from it and <c>TokenFile</c> must not be set.
/// </summary>
public sealed class ControlStoreOptions
{
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 5432;

    public string Database { get; set; } = "proxycluster";

    public string User { get; set; } = "proxycluster";

    /// <summary>File holding the role's password, read at every new connection (so it can be replaced).</summary>
    public string? PasswordFile { get; set; }

    public string? PasswordEnv { get; set; }

    /// <summary>The schema of the control tables, created by the node's migrations.</summary>
    public string Schema { get; set; } = "proxycluster";

    /// <summary>verify-full (default off loopback), require, or disable (loopback only).</summary>
    public string? Tls { get; set; }

    public string? TlsCaFile { get; set; }

    public int HeartbeatIntervalMilliseconds { get; set; } = 1000;

    /// <summary>How often the replica reads the journal even without a notification (a lost NOTIFY costs at most this).</summary>
    public int PollIntervalMilliseconds { get; set; } = 1000;
}
