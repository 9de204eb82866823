using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;

namespace ProxyCluster.Protocol.Scram;

/// <summary>
/// What a server stores instead of a password (RFC 5802 section 3): enough to check a client's proof and to prove
/// itself, not enough to log in as the client. Equality compares the bytes, not the array references.
/// </summary>
public sealed record ScramVerifier(int Iterations, byte[] Salt, byte[] StoredKey, byte[] ServerKey)
{
    /// <summary>PostgreSQL's default (scram_iterations) and the RFC 7677 minimum recommendation.</summary>
    public const int DefaultIterations = 4096;

    /// <summary>PostgreSQL's salt length (SCRAM_DEFAULT_SALT_LEN).</summary>
    public const int DefaultSaltLength = 16;

    private const string PostgresPrefix = "SCRAM-SHA-256$";

    public static ScramVerifier Create(string password, byte[] salt, int iterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(salt);
        ArgumentOutOfRangeException.ThrowIfZero(salt.Length, nameof(salt));
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);

        var normalized = ScramPassword.Normalize(password);
        var saltedPassword = ScramMath.SaltedPassword(normalized, salt, iterations);
        var clientKey = ScramMath.ClientKey(saltedPassword);
        try
        {
            // The salt is copied so a caller reusing its buffer cannot change a verifier after the fact.
            return new ScramVerifier(iterations, salt.ToArray(), ScramMath.StoredKey(clientKey), ScramMath.ServerKey(saltedPassword));
        }
        finally
        {
            // Each of these is as good as the password for logging in; do not leave them for the GC.
            CryptographicOperations.ZeroMemory(normalized);
            CryptographicOperations.ZeroMemory(saltedPassword);
            CryptographicOperations.ZeroMemory(clientKey);
        }
    }

    public static ScramVerifier Generate(string password, int iterations = DefaultIterations) =>
        Create(password, RandomNumberGenerator.GetBytes(DefaultSaltLength), iterations);

    /// <summary>The pg_authid.rolpassword format: <c>SCRAM-SHA-256$&lt;iter&gt;:&lt;salt&gt;$&lt;StoredKey&gt;:&lt;ServerKey&gt;</c>.</summary>
    public string ToPostgresString() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{PostgresPrefix}{Iterations}:{Convert.ToBase64String(Salt)}${Convert.ToBase64String(StoredKey)}:{Convert.ToBase64String(ServerKey)}");

    /// <summary>Parses the pg_authid format; false (never an exception) for anything else.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out ScramVerifier? verifier)
    {
        verifier = null;
        if (text is null || !text.StartsWith(PostgresPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = text.AsSpan(PostgresPrefix.Length);
        var dollar = rest.IndexOf('$');
        if (dollar < 0)
        {
            return false;
        }

        if (!TrySplitPair(rest[..dollar], out var iterationsText, out var saltText) ||
            !TrySplitPair(rest[(dollar + 1)..], out var storedKeyText, out var serverKeyText))
        {
            return false;
        }

        if (!int.TryParse(iterationsText, NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1 ||
            !ScramBase64.TryDecode(saltText, out var salt) ||
            !ScramBase64.TryDecode(storedKeyText, out var storedKey) || storedKey.Length != ScramMath.KeyLength ||
            !ScramBase64.TryDecode(serverKeyText, out var serverKey) || serverKey.Length != ScramMath.KeyLength)
        {
            return false;
        }

        verifier = new ScramVerifier(iterations, salt, storedKey, serverKey);
        return true;
    }

    public bool Equals(ScramVerifier? other) =>
        other is not null &&
        Iterations == other.Iterations &&
        Salt.AsSpan().SequenceEqual(other.Salt) &&
        StoredKey.AsSpan().SequenceEqual(other.StoredKey) &&
        ServerKey.AsSpan().SequenceEqual(other.ServerKey);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Iterations);
        hash.AddBytes(Salt);
        hash.AddBytes(StoredKey);
        return hash.ToHashCode();
    }

    /// <summary>Splits "a:b" at its only colon.</summary>
    private static bool TrySplitPair(ReadOnlySpan<char> text, out ReadOnlySpan<char> left, out ReadOnlySpan<char> right)
    {
        var colon = text.IndexOf(':');
        if (colon < 0 || text[(colon + 1)..].Contains(':'))
        {
            left = right = default;
            return false;
        }

        left = text[..colon];
        right = text[(colon + 1)..];
        return true;
    }
}
