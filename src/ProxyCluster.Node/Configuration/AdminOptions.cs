namespace ProxyCluster.Node.Configuration;

/// <summary>The HTTP admin endpoint (health today; tokens, sessions and cluster state to come). Loopback only until it authenticates callers.</summary>
public sealed class AdminOptions
{
    public string Address { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 7001;
}
