using ProxyCluster.Tokens;

namespace ProxyCluster.Sessions.Auth;

/// <summary>
/// Credentials proven outside the proxy, presented as a cleartext password (so only over TLS or on a development
/// listener): today JWTs from an identity provider. The node wires the validator; sessions only ask.
/// </summary>
public interface IExternalCredentials
{
    /// <summary>Cheap shape test: is this presented password meant for this authenticator (not an API token)?</summary>
    bool Recognizes(string presented);

    /// <summary>The identity it proves (<see cref="TokenRecord.IsExternal"/>), or why not, in words safe for logs.</summary>
    ValueTask<ExternalAuthentication> AuthenticateAsync(string presented, CancellationToken cancellationToken);

    /// <summary>Whether the identity has been revoked since (its sessions are then cut).</summary>
    bool IsRevoked(TokenRecord identity);
}

/// <summary>An external credential's outcome: the identity, or a reason that never quotes the credential.</summary>
public readonly record struct ExternalAuthentication(TokenRecord? Identity, string? Failure);
