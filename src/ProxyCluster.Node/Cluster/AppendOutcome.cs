using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Node.Cluster;

/// <summary>How a token command ended, as the admin API needs to answer it.</summary>
public abstract record AppendOutcome
{
    /// <summary>Committed, and applied by this node's replica: <paramref name="State"/> is the token now.</summary>
    public sealed record Applied(TokenState State, long Ordering) : AppendOutcome;

    /// <summary>Committed, but this node cannot show the token's new state yet (its replica is behind).</summary>
    public sealed record Committed(string Message) : AppendOutcome;

    /// <summary>The token's state forbids it; nothing was written.</summary>
    public sealed record Refused(RefusalKind Kind, string Reason) : AppendOutcome;

    /// <summary>The control store could not be reached; nothing was written.</summary>
    public sealed record Unavailable(string Reason) : AppendOutcome;

    /// <summary>The event itself is malformed (e.g. a secret that does not share the token's salt).</summary>
    public sealed record Invalid(string Reason) : AppendOutcome;
}

public enum RefusalKind
{
    NotFound,
    Conflict,
    AlreadyRevoked,
}
