using Microsoft.Extensions.Logging;
using ProxyCluster.Sessions.Auth;
using ProxyCluster.Sessions.Cancel;
using ProxyCluster.Sessions.Lifecycle;
using ProxyCluster.Sessions.Policy;
using ProxyCluster.Sessions.Routing;
using ProxyCluster.Sessions.Upstream;
using ProxyCluster.Tokens;

namespace ProxyCluster.Sessions;

/// <summary>The node-wide collaborators a session uses; the host wires real implementations, tests wire their own.</summary>
public sealed record SessionServices(
    ITokenLookup Tokens,
    IRouteTable Routes,
    IUpstreamConnector Upstream,
    CancelKeyRegistry CancelKeys,
    SessionRegistry Sessions,
    SessionLimits Limits,
    TimeProvider Time,
    ILogger Logger)
{
    /// <summary>Statement checks per token; null runs every session without them.</summary>
    public IStatementPolicy? Policy { get; init; }

    /// <summary>Slows addresses that keep failing to authenticate; null never slows anyone.</summary>
    public FailedAuthenticationThrottle? AuthenticationThrottle { get; init; }

    /// <summary>Credentials proven elsewhere (JWTs); null accepts only API tokens and certificates.</summary>
    public IExternalCredentials? External { get; init; }

    /// <summary>Where session and statement audit records go; null records nothing.</summary>
    public ProxyCluster.Audit.IAuditWriter? Audit { get; init; }

    /// <summary>Session, authentication and statement metrics; null counts nothing.</summary>
    public Metrics.SessionMetrics? Metrics { get; init; }

    /// <summary>Delivers CancelRequests for other nodes' sessions to them; null drops them (a single node).</summary>
    public IPeerCancel? PeerCancel { get; init; }

    /// <summary>The node's name in audit records.</summary>
    public string NodeId { get; init; } = "node";
}
