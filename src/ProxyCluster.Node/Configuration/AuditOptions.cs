namespace ProxyCluster.Node.Configuration;

/// <summary>
/// Where session and statement audit records go. Records never hold a token, a password or a query literal
/// (queries are recorded as libpg_query normalizes them). Writing never blocks a session: records queue, and a
/// sink that fails has its records spilled to <see cref="SpillDirectory"/> and delivered when it works again.
/// </summary>
public sealed class AuditOptions
{
    /// <summary>JSON-lines file to append to, or "-" for standard output; null for none.</summary>
    public string? File { get; set; }

    /// <summary>Also write to the control store's audit table (when there is a control store). Default true.</summary>
    public bool ControlStore { get; set; } = true;

    /// <summary>Where records of a failing sink wait; default: a directory next to the audit file, or under the temp directory.</summary>
    public string? SpillDirectory { get; set; }

    /// <summary>Records queued beyond this are counted as dropped rather than holding up sessions.</summary>
    public int QueueCapacity { get; set; } = 65_536;
}
