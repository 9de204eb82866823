namespace ProxyCluster.Node.Jwt;

/// <summary>The outcome of one validation: an identity, or a short reason that is safe for logs and audit.</summary>
public readonly record struct JwtValidation(JwtIdentity? Identity, string? Failure)
{
    public bool Succeeded => Identity is not null;

    public static JwtValidation Accepted(JwtIdentity identity) => new(identity, null);

    public static JwtValidation Refused(string reason) => new(null, reason);
}
