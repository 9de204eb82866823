namespace ProxyCluster.Node.Configuration;

/// <summary>
/// The HTTP admin API (see Admin/ADMIN-API.md). Callers of <c>/v1</c> present the admin token from
/// <see cref="TokenFile"/> or <see cref="TokenEnv"/> as a bearer token; without one the API is open, which is
/// only allowed on loopback.
/// </summary>
public sealed class AdminOptions
{
    public string Address { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 7001;

    /// <summary>File holding the admin token (trailing newline trimmed); read at start.</summary>
    public string? TokenFile { get; set; }

    /// <summary>Environment variable holding the admin token.</summary>
    public string? TokenEnv { get; set; }

    /// <summary>How other nodes reach this node's admin API (forwarded session kills, cluster-wide listings); default http://Address:Port.</summary>
    public string? AdvertisedUrl { get; set; }
}
