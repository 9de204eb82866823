using System.Net;

namespace ProxyCluster.Node.Configuration;

/// <summary>Refuses configurations that would be unsafe or cannot work, with a message that says what to change.</summary>
public static class ProxyOptionsValidator
{
    public static IReadOnlyList<string> Validate(ProxyOptions options)
    {
        var problems = new List<string>();
        if (options.Listeners.Count == 0)
        {
            problems.Add("Proxy:Listeners is empty: configure at least one listener");
        }

        foreach (var listener in options.Listeners)
        {
            if (!IPAddress.TryParse(listener.Address, out var address))
            {
                problems.Add($"listener address \"{listener.Address}\" is not an IP address");
            }
            else if (listener.InsecureCleartextForLocalDevelopment && !IPAddress.IsLoopback(address))
            {
                problems.Add($"listener {listener.Address}:{listener.Port} is not loopback: InsecureCleartextForLocalDevelopment is only allowed on loopback");
            }
        }

        if (options.Admin is { } admin && (!IPAddress.TryParse(admin.Address, out var adminAddress) || !IPAddress.IsLoopback(adminAddress)))
        {
            problems.Add($"admin address \"{admin.Address}\" must be a loopback IP address (the admin API has no authentication yet)");
        }

        if (options.NodeOrdinal is < 0 or > Sessions.Cancel.CancelKeyRegistry.MaxNodeOrdinal)
        {
            problems.Add($"NodeOrdinal must be between 0 and {Sessions.Cancel.CancelKeyRegistry.MaxNodeOrdinal}");
        }

        if (options.Routes.Count == 0)
        {
            problems.Add("Proxy:Routes is empty: configure at least one route");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in options.Routes)
        {
            if (!names.Add(route.Name))
            {
                problems.Add($"route \"{route.Name}\" is configured twice");
            }

            if (string.IsNullOrEmpty(route.User))
            {
                problems.Add($"route \"{route.Name}\" has no User");
            }

            if (route.PasswordFile is not null && route.PasswordEnv is not null)
            {
                problems.Add($"route \"{route.Name}\" sets both PasswordFile and PasswordEnv; choose one");
            }
        }

        if (options.AuthTimeoutSeconds <= 0 || options.MaxConnections <= 0)
        {
            problems.Add("AuthTimeoutSeconds and MaxConnections must be positive");
        }

        return problems;
    }
}
