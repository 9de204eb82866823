using System.Security.Cryptography;
using System.Text;
using ProxyCluster.Node.Configuration;

namespace ProxyCluster.Node.Admin;

/// <summary>
/// The admin token callers of <c>/v1</c> must present as <c>Authorization: Bearer …</c>. The presented value is
/// hashed and compared with the token's hash in constant time, so timing gives nothing away. The token itself is
/// kept too: this node presents it when it asks another node (sessions live on their own node).
/// </summary>
public sealed class AdminCredential
{
    private const string Scheme = "Bearer ";
    private readonly byte[] _hash;

    private AdminCredential(string token)
    {
        Token = token;
        _hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    /// <summary>For calls to other nodes only; never logged.</summary>
    internal string Token { get; }

    /// <summary>The configured credential; null when none is configured (an open API, allowed on loopback only).</summary>
    public static AdminCredential? Load(AdminOptions admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        string? token;
        if (admin.TokenFile is { } file)
        {
            try
            {
                token = File.ReadAllText(file).TrimEnd('\r', '\n');
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"cannot read the admin token file {file}: {exception.Message}", exception);
            }
        }
        else if (admin.TokenEnv is { } variable)
        {
            token = Environment.GetEnvironmentVariable(variable)
                ?? throw new InvalidOperationException($"the admin token variable {variable} is not set");
        }
        else
        {
            return null;
        }

        if (token.Length < 16)
        {
            throw new InvalidOperationException("the admin token is shorter than 16 characters; use a long random one (e.g. openssl rand -hex 32)");
        }

        return new AdminCredential(token);
    }

    /// <summary>Whether an Authorization header value carries the admin token.</summary>
    public bool Accepts(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[Scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _hash);
    }
}
