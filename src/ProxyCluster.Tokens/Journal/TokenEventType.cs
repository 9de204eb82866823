namespace ProxyCluster.Tokens.Journal;

/// <summary>What happened to a token. Past tense: these are facts in the journal, not requests.</summary>
public enum TokenEventType
{
    Issued,
    Rotated,
    Revoked,
    Expired,
    PolicyChanged,
}

/// <summary>The names the journal stores in its <c>event_type</c> column (and the admin API shows).</summary>
public static class TokenEventTypeNames
{
    public static string ToName(this TokenEventType type) => type switch
    {
        TokenEventType.Issued => "issued",
        TokenEventType.Rotated => "rotated",
        TokenEventType.Revoked => "revoked",
        TokenEventType.Expired => "expired",
        TokenEventType.PolicyChanged => "policy-changed",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static bool TryParse(string name, out TokenEventType type)
    {
        switch (name)
        {
            case "issued": type = TokenEventType.Issued; return true;
            case "rotated": type = TokenEventType.Rotated; return true;
            case "revoked": type = TokenEventType.Revoked; return true;
            case "expired": type = TokenEventType.Expired; return true;
            case "policy-changed": type = TokenEventType.PolicyChanged; return true;
            default: type = default; return false;
        }
    }
}
