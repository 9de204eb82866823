using System.Security.Cryptography;
using System.Text;

namespace ProxyCluster.Tokens;

/// <summary>
/// Token ids for identities proven outside the proxy (JWTs). Derived from the issuer and the JWT's <c>jti</c> (or
/// its subject when it has none), so every node gives the same JWT the same id: its sessions can be listed and
/// killed like any token's, and a revocation of that id in the journal refuses it everywhere.
/// </summary>
public static class ExternalTokenIds
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static string ForJwt(string issuer, string? jti, string subject)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(subject);
        var key = jti is { Length: > 0 } ? $"jwt\n{issuer}\njti\n{jti}" : $"jwt\n{issuer}\nsub\n{subject}";
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        Span<char> id = stackalloc char[ApiToken.IdLength];
        for (var i = 0; i < id.Length; i++)
        {
            id[i] = Alphabet[hash[i] % Alphabet.Length];
        }

        return new string(id);
    }
}
