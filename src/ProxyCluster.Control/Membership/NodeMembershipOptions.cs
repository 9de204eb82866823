namespace ProxyCluster.Control.Membership;

public sealed record NodeMembershipOptions
{
    /// <summary>How often the node's row is refreshed; members are up while within three intervals of it.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);
}
