using ProxyCluster.Protocol.Frontend;
using ProxyCluster.Sessions.Routing;

namespace ProxyCluster.Sessions.Cancel;

/// <summary>What a minted cancel key leads to: the upstream server and the key that server handed the proxy.</summary>
public sealed record CancelTarget(RouteConfig Route, CancelRequest UpstreamKey);
