using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ProxyCluster.Protocol.Scram;

/// <summary>
/// Remembers the client and server keys derived from a password, salt and iteration count, so that logging in to
/// the same upstream role again skips PBKDF2 (4096 rounds of HMAC-SHA-256 by default, milliseconds of CPU per
/// connection — the bulk of what a new proxied connection costs). The password itself is not kept: entries are
/// found by a SHA-256 of it. The keys are as sensitive as the password, and live only in this process's memory,
/// where the password is read anyway.
/// </summary>
public sealed class ScramClientKeyCache
{
    /// <summary>A proxy logs in to a handful of roles; a full cache is simply emptied.</summary>
    private const int Capacity = 64;

    private readonly ConcurrentDictionary<string, (byte[] ClientKey, byte[] ServerKey)> _entries = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    internal (byte[] ClientKey, byte[] ServerKey) GetOrDerive(ReadOnlySpan<byte> normalizedPassword, byte[] salt, int iterations)
    {
        Span<byte> passwordHash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(normalizedPassword, passwordHash);
        var key = string.Concat(Convert.ToBase64String(passwordHash), "$", Convert.ToBase64String(salt), "$", iterations.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (_entries.TryGetValue(key, out var keys))
        {
            return keys;
        }

        var saltedPassword = ScramMath.SaltedPassword(normalizedPassword, salt, iterations);
        try
        {
            keys = (ScramMath.ClientKey(saltedPassword), ScramMath.ServerKey(saltedPassword));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(saltedPassword);
        }

        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }

        _entries[key] = keys;
        return keys;
    }
}
