namespace ProxyCluster.Node.Jwt;

/// <summary>
/// Every <see cref="JwtValidation.Failure"/> text. Fixed strings only: a reason never carries the token or a claim
/// value, so it can go to the log and the audit trail as it is.
/// </summary>
public static class JwtFailures
{
    public const string NotAJwt = "not a JWT";
    public const string AlgorithmNotAllowed = "algorithm not allowed";
    public const string IssuerNotAccepted = "issuer not accepted";
    public const string AudienceNotAccepted = "audience not accepted";
    public const string UnknownSigningKey = "unknown signing key";
    public const string SignatureInvalid = "signature invalid";
    public const string Expired = "expired";
    public const string NotYetValid = "not yet valid";
    public const string MissingExp = "missing exp";
    public const string LifetimeInvalid = "lifetime invalid";
    public const string MissingPrincipalClaim = "missing principal claim";
    public const string MissingPolicyClaim = "missing policy claim";
    public const string InvalidPolicyClaim = "policy claim is not a string";
    public const string InvalidRoutesClaim = "routes claim is not a string or a non-empty array of strings";
    public const string Invalid = "token invalid";
}
