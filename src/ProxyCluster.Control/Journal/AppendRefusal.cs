namespace ProxyCluster.Control.Journal;

/// <summary>Why an append was refused, in the terms the admin API answers with (404, 409, 400).</summary>
public enum AppendRefusal
{
    /// <summary>The event was appended.</summary>
    None,

    /// <summary>The token does not exist (and the event is not an issue).</summary>
    NotFound,

    /// <summary>The token's state forbids the event: rotate a revoked token, issue a taken id, expire before the time.</summary>
    Conflict,

    /// <summary>A revocation of a token that is already revoked; callers usually treat it as success.</summary>
    AlreadyRevoked,

    /// <summary>The event itself is malformed (a missing principal, a secret with another salt); no state accepts it.</summary>
    Invalid,
}
