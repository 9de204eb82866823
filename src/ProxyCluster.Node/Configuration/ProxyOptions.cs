namespace ProxyCluster.Node.Configuration;

/// <summary>The node's configuration, bound from the <c>Proxy</c> section of the JSON file given with <c>--config</c>.</summary>
public sealed class ProxyOptions
{
    public const string SectionName = "Proxy";

    /// <summary>Shown in logs and, later, in cluster membership.</summary>
    public string NodeId { get; set; } = Environment.MachineName;

    /// <summary>0–127, unique per node: encoded into the cancel keys this node mints so other nodes can route cancels here.</summary>
    public int NodeOrdinal { get; set; }

    public IList<ListenerOptions> Listeners { get; init; } = [];

    public AdminOptions? Admin { get; set; }

    /// <summary>The certificate presented to clients on listeners whose TLS mode is not <c>disable</c>.</summary>
    public ServerTlsOptions? Tls { get; set; }

    /// <summary>
    /// JSON-lines file of token verifiers (see <c>proxyctl token mint</c>); re-read when it changes. For a single
    /// node without a control store; a cluster uses <see cref="ControlStore"/> instead.
    /// </summary>
    public string? TokenFile { get; set; }

    /// <summary>The replicated token journal and membership; nodes of one cluster share it.</summary>
    public ControlStoreOptions? ControlStore { get; set; }

    /// <summary>
    /// Directory of policy documents (*.yaml, *.yml, *.json) that tokens name, besides the built-in
    /// <c>unrestricted</c> and <c>read-only</c>. Read at start.
    /// </summary>
    public string? PolicyDirectory { get; set; }

    /// <summary>JWTs from an OAuth2/OIDC provider accepted as passwords (over TLS or on a development listener); null accepts none.</summary>
    public ProxyCluster.Node.Jwt.JwtOptions? Jwt { get; set; }

    /// <summary>The audit trail; null writes none (the control store's table is used when there is one).</summary>
    public AuditOptions Audit { get; set; } = new();

    /// <summary>Metrics pushed over OTLP besides <c>/metrics</c>; off unless an endpoint is configured.</summary>
    public OtlpOptions Otlp { get; set; } = new();

    public int AuthTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// When the node stops (SIGTERM), how long sessions may take to reach an idle point: each ends as soon as it
    /// is outside a transaction with nothing in flight, and whatever is left after this is cut. 0 cuts at once.
    /// Keep it under the orchestrator's grace period (Kubernetes: 30 s).
    /// </summary>
    public int DrainTimeoutSeconds { get; set; } = 20;

    /// <summary>How failed authentications are slowed per client address.</summary>
    public AuthFailureThrottleOptions AuthFailureThrottle { get; set; } = new();

    /// <summary>Connections beyond this get PostgreSQL's "sorry, too many clients already" (53300).</summary>
    public int MaxConnections { get; set; } = 10_000;

    public IList<RouteOptions> Routes { get; init; } = [];
}
