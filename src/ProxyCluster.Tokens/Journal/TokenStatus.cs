namespace ProxyCluster.Tokens.Journal;

/// <summary>Where a token is in its life. Only <see cref="Active"/> tokens authenticate.</summary>
public enum TokenStatus
{
    Active,
    Revoked,
    Expired,
}

public static class TokenStatusNames
{
    public static string ToName(this TokenStatus status) => status switch
    {
        TokenStatus.Active => "active",
        TokenStatus.Revoked => "revoked",
        TokenStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
