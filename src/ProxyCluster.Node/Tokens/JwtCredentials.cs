using ProxyCluster.Node.Jwt;
using ProxyCluster.Sessions.Auth;
using ProxyCluster.Tokens;
using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Node.Tokens;

/// <summary>
/// JWTs as session credentials: the validator proves the token; the identity gets an id derived from its issuer and
/// <c>jti</c> (<see cref="ExternalTokenIds"/>), so the journal can revoke it like any token and every node refuses it.
/// </summary>
public sealed class JwtCredentials(JwtValidator validator, TokenReplica? replica) : IExternalCredentials
{
    public bool Recognizes(string presented) => JwtValidator.LooksLikeJwt(presented);

    public async ValueTask<ExternalAuthentication> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(presented, cancellationToken).ConfigureAwait(false);
        if (validation.Identity is not { } proven)
        {
            return new ExternalAuthentication(null, validation.Failure);
        }

        TokenRecord identity;
        try
        {
            identity = new TokenRecord(
                ExternalTokenIds.ForJwt(proven.Issuer, proven.Jti, proven.Subject),
                proven.Principal,
                proven.Policy,
                proven.Routes,
                proven.ExpiresAt,
                [])
            {
                IsExternal = true,
            };
        }
        catch (ArgumentException)
        {
            return new ExternalAuthentication(null, "claims do not make a valid identity");
        }

        return IsRevoked(identity) ? new ExternalAuthentication(null, "revoked") : new ExternalAuthentication(identity, null);
    }

    public bool IsRevoked(TokenRecord identity) =>
        replica is not null && replica.States.TryGetValue(identity.Id, out var state) && state.Status == TokenStatus.Revoked;
}
