using ProxyCluster.Protocol.Frontend;
using ProxyCluster.Sessions.Routing;

namespace ProxyCluster.Sessions.Upstream;

/// <summary>
/// Hands a session an authenticated upstream connection for a route. Today it dials a new one; a pool that
/// lends idle authenticated connections implements the same interface.
/// </summary>
public interface IUpstreamConnector
{
    ValueTask<UpstreamConnectResult> ConnectAsync(
        RouteConfig route,
        string database,
        IReadOnlyList<KeyValuePair<string, string>> startupParameters,
        CancellationToken cancellationToken);

    /// <summary>Sends a CancelRequest with the upstream's own key on a fresh connection, as PostgreSQL requires.</summary>
    ValueTask CancelAsync(RouteConfig route, CancelRequest upstreamKey, CancellationToken cancellationToken);
}
