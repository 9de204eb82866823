namespace ProxyCluster.Cli.Connection;

/// <summary>
/// The node proxyctl talks to and the admin token it presents. Not a record: a record's generated
/// <c>ToString</c> would print the token. Neither the token nor anything derived from it is ever shown.
/// </summary>
internal sealed class AdminConnection(Uri node, string? adminToken, string nodeSource, string? adminTokenSource)
{
    /// <summary>The admin API's base address, ending with '/'.</summary>
    public Uri Node { get; } = node;

    /// <summary>The bearer token, or null to send none (a loopback node without an admin token accepts that).</summary>
    public string? AdminToken { get; } = adminToken;

    /// <summary>Where <see cref="Node"/> came from, for messages: "--node", "PROXYCTL_NODE", a cluster.env path.</summary>
    public string NodeSource { get; } = nodeSource;

    /// <summary>Where the admin token came from, for messages; null when there is none.</summary>
    public string? AdminTokenSource { get; } = adminTokenSource;

    public override string ToString() => $"{Node} (from {NodeSource})";
}
