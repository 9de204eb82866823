using System.Net;
using ProxyCluster.Sessions.Tls;
using ProxyCluster.Sessions.Upstream;

namespace ProxyCluster.Node.Configuration;

/// <summary>The TLS mode names the configuration accepts, and the defaults when a mode is not given.</summary>
public static class TlsModes
{
    public const string ListenerModes = "require, prefer or disable";
    public const string RouteModes = "verify-full, require or disable";

    /// <summary>
    /// A listener's mode: as configured, else <c>require</c> on any address but loopback; on loopback <c>prefer</c>
    /// when the node has a certificate and <c>disable</c> when it has none. Null when the configured name is unknown.
    /// </summary>
    public static ClientTlsMode? ForListener(ListenerOptions listener, bool haveCertificate)
    {
        ArgumentNullException.ThrowIfNull(listener);
        return listener.Tls?.Trim().ToUpperInvariant() switch
        {
            null or "" => IsLoopback(listener.Address) ? (haveCertificate ? ClientTlsMode.Prefer : ClientTlsMode.Disable) : ClientTlsMode.Require,
            "REQUIRE" => ClientTlsMode.Require,
            "PREFER" => ClientTlsMode.Prefer,
            "DISABLE" => ClientTlsMode.Disable,
            _ => null,
        };
    }

    /// <summary>A route's mode: as configured, else <c>disable</c> for a loopback host and <c>verify-full</c> for any other. Null when unknown.</summary>
    public static UpstreamTlsMode? ForRoute(RouteOptions route)
    {
        ArgumentNullException.ThrowIfNull(route);
        return Parse(route.Tls, route.Host);
    }

    /// <summary>An upstream mode (a route's or the control store's) by name, with the same defaults as <see cref="ForRoute"/>.</summary>
    public static UpstreamTlsMode? Parse(string? mode, string host) =>
        mode?.Trim().ToUpperInvariant() switch
        {
            null or "" => IsLoopbackHost(host) ? UpstreamTlsMode.Disable : UpstreamTlsMode.VerifyFull,
            "VERIFY-FULL" => UpstreamTlsMode.VerifyFull,
            "REQUIRE" => UpstreamTlsMode.Require,
            "DISABLE" => UpstreamTlsMode.Disable,
            _ => null,
        };

    public static bool IsLoopback(string address) => IPAddress.TryParse(address, out var ip) && IPAddress.IsLoopback(ip);

    /// <summary>A loopback IP address or <c>localhost</c>: traffic that never leaves the machine.</summary>
    public static bool IsLoopbackHost(string host) =>
        IsLoopback(host) || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase);
}
