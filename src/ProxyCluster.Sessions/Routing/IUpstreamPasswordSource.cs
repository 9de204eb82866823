namespace ProxyCluster.Sessions.Routing;

/// <summary>Reads the upstream role's password when it is needed; implementations never cache it in logs or strings they expose.</summary>
public interface IUpstreamPasswordSource
{
    /// <summary>The current password, or null when none is configured (trust authentication upstream).</summary>
    string? Read();
}
