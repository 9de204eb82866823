using System.Security.Cryptography;
using System.Text;
using ProxyCluster.Protocol.Scram;

namespace ProxyCluster.Tokens;

/// <summary>
/// What is stored for one secret of a token, never the secret itself: a SCRAM-SHA-256 verifier (the token is the
/// SCRAM password) and a SHA-256 of the whole token string for the cleartext path. An old secret kept through a
/// rotation carries <see cref="NotAfter"/>, the end of its overlap; a current secret has none.
/// </summary>
public sealed record TokenSecretVerifier
{
    public const int Sha256Length = 32;

    public TokenSecretVerifier(ScramVerifier scram, byte[] sha256, DateTimeOffset? notAfter = null)
    {
        Scram = scram;
        Sha256 = sha256;
        NotAfter = notAfter;
    }

    public ScramVerifier Scram
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Scram));
    }

    /// <summary>SHA-256 of the token's UTF-8 bytes. Copied on the way in, so a caller's buffer cannot change it.</summary>
    public byte[] Sha256
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Sha256));
            if (value.Length != Sha256Length)
            {
                throw new ArgumentException($"a SHA-256 is {Sha256Length} bytes", nameof(Sha256));
            }

            field = value.ToArray();
        }
    }

    /// <summary>After this instant the secret no longer authenticates; null for a current secret.</summary>
    public DateTimeOffset? NotAfter { get; init; }

    /// <summary>Derives both verifiers from a freshly minted token, with a new random salt. Costs one PBKDF2 run.</summary>
    public static TokenSecretVerifier Create(string token, DateTimeOffset? notAfter = null) =>
        Create(token, RandomNumberGenerator.GetBytes(ScramVerifier.DefaultSaltLength), ScramVerifier.DefaultIterations, notAfter);

    /// <summary>
    /// Derives both verifiers with a given SCRAM salt and iteration count. A new secret for an existing token must
    /// reuse the current secret's: a SCRAM server announces one salt, so all of a token's secrets share it.
    /// </summary>
    public static TokenSecretVerifier Create(string token, byte[] salt, int iterations, DateTimeOffset? notAfter = null)
    {
        if (!ApiToken.TryParse(token, out _))
        {
            // Never echo the argument: it is a secret, or close to one.
            throw new ArgumentException("not a well-formed API token", nameof(token));
        }

        var sha256 = new byte[Sha256Length];
        HashToken(token, sha256);
        return new TokenSecretVerifier(ScramVerifier.Create(token, salt, iterations), sha256, notAfter);
    }

    public bool IsActive(DateTimeOffset now) => NotAfter is not { } deadline || now < deadline;

    /// <summary>Constant-time comparison with a hash from <see cref="HashToken"/>.</summary>
    public bool Matches(ReadOnlySpan<byte> presentedSha256) => CryptographicOperations.FixedTimeEquals(Sha256, presentedSha256);

    /// <summary>SHA-256 of the presented text's UTF-8 bytes into <paramref name="destination"/> (32 bytes).</summary>
    public static void HashToken(string presented, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(presented);
        var bytes = Encoding.UTF8.GetBytes(presented);
        try
        {
            SHA256.HashData(bytes, destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    public bool Equals(TokenSecretVerifier? other) =>
        other is not null &&
        Scram.Equals(other.Scram) &&
        Sha256.AsSpan().SequenceEqual(other.Sha256) &&
        NotAfter == other.NotAfter;

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Scram);
        hash.AddBytes(Sha256);
        hash.Add(NotAfter);
        return hash.ToHashCode();
    }
}
