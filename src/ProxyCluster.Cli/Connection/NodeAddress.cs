using System.Diagnostics.CodeAnalysis;

namespace ProxyCluster.Cli.Connection;

/// <summary>A node's admin address as operators write it: <c>host:port</c>, or a URL <c>http(s)://host:port[/prefix]</c>.</summary>
internal static class NodeAddress
{
    /// <summary>The base URI requests are made relative to (it always ends with '/'), or why the text is not an address.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Uri? baseUri, [NotNullWhen(false)] out string? error)
    {
        baseUri = null;
        error = null;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            error = "the node address is empty: expected host:port or http://host:port";
            return false;
        }

        var isUrl = trimmed.Contains("://", StringComparison.Ordinal);
        if (!Uri.TryCreate(isUrl ? trimmed : "http://" + trimmed, UriKind.Absolute, out var uri) ||
            uri.Scheme is not ("http" or "https") ||
            uri.Host.Length == 0 ||
            !string.IsNullOrEmpty(uri.UserInfo) ||
            uri.Query.Length > 0 ||
            uri.Fragment.Length > 0 ||
            // A bare host:port must name its port: there is no default admin port to fall back on.
            (!isUrl && !HasExplicitPort(trimmed)))
        {
            error = $"'{trimmed}' is not a node address: expected host:port or http://host:port";
            return false;
        }

        var path = uri.AbsolutePath.EndsWith('/') ? uri.AbsolutePath : uri.AbsolutePath + "/";
        baseUri = new UriBuilder(uri.Scheme, uri.Host, uri.Port, path).Uri;
        return true;
    }

    private static bool HasExplicitPort(string hostAndPort)
    {
        var colon = hostAndPort.LastIndexOf(':');
        var bracket = hostAndPort.LastIndexOf(']');
        return colon > bracket && colon < hostAndPort.Length - 1;
    }
}
