namespace ProxyCluster.Sessions.Routing;

/// <summary>Looks up the route for a startup <c>database</c>. Implementations are immutable snapshots.</summary>
public interface IRouteTable
{
    bool TryGetRoute(string database, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RouteConfig? route);
}
