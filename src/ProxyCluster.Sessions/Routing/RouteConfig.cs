namespace ProxyCluster.Sessions.Routing;

/// <summary>
/// Where a client's startup <c>database</c> leads: an upstream server, database and role, and the source of the
/// role's password. The password is read through <see cref="Password"/> at every connect, so replacing the file
/// or variable rotates it without a restart; it is never part of any message or log.
/// </summary>
public sealed record RouteConfig(
    string Name,
    string Host,
    int Port,
    string? Database,
    string User,
    IUpstreamPasswordSource Password)
{
    /// <summary>The upstream database for a requested name: a fixed one, or the same name for a wildcard route.</summary>
    public string UpstreamDatabase(string requested) => Database ?? requested;

    /// <summary>How long connecting and authenticating upstream may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The <c>search_path</c> every session on this route starts with (sent in the upstream startup packet), so that
    /// the policy resolves unqualified names the way the server will; null leaves the role's default.
    /// </summary>
    public string? SearchPath { get; init; }

    /// <summary>TLS to the server (SSLRequest, then a handshake checked as the mode says); disabled by default.</summary>
    public Upstream.UpstreamTlsSettings Tls { get; init; } = Upstream.UpstreamTlsSettings.Disabled;

    /// <summary>
    /// Record the values each prepared statement is executed with in the audit trail. Off by default: the values are
    /// what literals would have been, and the trail otherwise never holds one.
    /// </summary>
    public bool AuditParameterValues { get; init; }

    public override string ToString() => $"route \"{Name}\" ({Host}:{Port})";
}
