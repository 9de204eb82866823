using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace ProxyCluster.Sessions.Routing;

/// <summary>Routes by exact database name, then the <c>*</c> route if one is configured.</summary>
public sealed class RouteTable : IRouteTable
{
    public const string Wildcard = "*";

    private readonly FrozenDictionary<string, RouteConfig> _routes;
    private readonly RouteConfig? _wildcard;

    public RouteTable(IEnumerable<RouteConfig> routes)
    {
        var byName = new Dictionary<string, RouteConfig>(StringComparer.Ordinal);
        foreach (var route in routes)
        {
            if (route.Name == Wildcard)
            {
                _wildcard = route;
            }
            else
            {
                byName.Add(route.Name, route);
            }
        }

        _routes = byName.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public bool TryGetRoute(string database, [NotNullWhen(true)] out RouteConfig? route)
    {
        if (_routes.TryGetValue(database, out route))
        {
            return true;
        }

        route = _wildcard;
        return route is not null;
    }
}
