using Microsoft.IdentityModel.Tokens;

namespace ProxyCluster.Node.Jwt;

/// <summary>
/// The library's lifetime rules (exp required, nbf and exp with clock skew) read from our <see cref="TimeProvider"/>,
/// which <see cref="TokenValidationParameters"/> has no public setting for. It throws the library's own exceptions,
/// so the handler reports them as it would its own.
/// </summary>
internal static class JwtLifetime
{
    public static LifetimeValidator Validator(TimeProvider time, TimeSpan skew) => (notBefore, expires, _, _) =>
    {
        if (expires is not { } exp)
        {
            throw new SecurityTokenNoExpirationException("the token has no exp");
        }

        if (notBefore is { } nbf && nbf > exp)
        {
            throw new SecurityTokenInvalidLifetimeException("nbf is after exp");
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (notBefore is { } start && start > now + skew)
        {
            throw new SecurityTokenNotYetValidException("the token is not valid yet") { NotBefore = start };
        }

        if (exp < now - skew)
        {
            throw new SecurityTokenExpiredException("the token has expired") { Expires = exp };
        }

        return true;
    };
}
