namespace ProxyCluster.Control.Membership;

/// <summary>A member as the store's clock sees it.</summary>
public enum MemberState
{
    /// <summary>Heartbeat within <see cref="MembershipQueries.MissedHeartbeatsAllowed"/> intervals of the store's now().</summary>
    Up,

    /// <summary>Neither stopped nor heartbeating: crashed, partitioned, or hung.</summary>
    Unreachable,

    /// <summary>Stopped cleanly.</summary>
    Stopped,
}

public static class MemberStateNames
{
    public static string ToName(this MemberState state) => state switch
    {
        MemberState.Up => "up",
        MemberState.Unreachable => "unreachable",
        MemberState.Stopped => "stopped",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static bool TryParse(string name, out MemberState state)
    {
        switch (name)
        {
            case "up": state = MemberState.Up; return true;
            case "unreachable": state = MemberState.Unreachable; return true;
            case "stopped": state = MemberState.Stopped; return true;
            default: state = default; return false;
        }
    }
}
