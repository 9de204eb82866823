namespace ProxyCluster.Node.Jwt;

/// <summary>
/// Who a validated JWT says the client is. <see cref="Routes"/> empty means every route (the same convention as
/// API tokens); a token that names no route at all (<c>"routes": []</c>) is refused instead of widened.
/// </summary>
public sealed record JwtIdentity(
    string Issuer,
    string Subject,
    string? Jti,
    string Principal,
    string Policy,
    IReadOnlyList<string> Routes,
    DateTimeOffset ExpiresAt);
