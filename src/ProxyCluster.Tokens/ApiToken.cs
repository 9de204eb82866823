using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace ProxyCluster.Tokens;

/// <summary>
/// The token format <c>pct_&lt;id&gt;_&lt;secret&gt;&lt;checksum&gt;</c>: a public, stable 12-character id
/// ([a-z0-9]), 43 base62 characters carrying 32 random bytes, and the CRC-32 of everything before it as 6 base62
/// characters. The fixed prefix and checksum let secret scanners find leaked tokens and let the proxy refuse a
/// mistyped token without a lookup.
/// </summary>
public static class ApiToken
{
    public const string Prefix = "pct_";

    public const int IdLength = 12;

    /// <summary>Random bytes behind the secret.</summary>
    public const int SecretBytes = 32;

    /// <summary>62^43 ≥ 2^256, so 32 bytes always fit in 43 base62 characters.</summary>
    public const int SecretLength = 43;

    /// <summary>62^6 ≥ 2^32, so a CRC-32 always fits in 6 base62 characters.</summary>
    public const int ChecksumLength = 6;

    /// <summary>4 (prefix) + 12 (id) + 1 (separator) + 43 (secret) + 6 (checksum).</summary>
    public const int Length = IdStart + IdLength + 1 + SecretLength + ChecksumLength;

    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    private const int IdStart = 4; // "pct_".Length
    private const int SeparatorIndex = IdStart + IdLength;
    private const int SecretStart = SeparatorIndex + 1;
    private const int ChecksumStart = SecretStart + SecretLength;

    private static readonly SearchValues<char> IdValues = SearchValues.Create(IdAlphabet);

    /// <summary>Mints a token with a fresh random id.</summary>
    public static string Mint(out string id)
    {
        id = RandomNumberGenerator.GetString(IdAlphabet, IdLength);
        return MintWithId(id);
    }

    /// <summary>Mints a new secret for an existing id (rotation keeps the id, and so the user name).</summary>
    public static string MintWithId(string id)
    {
        if (!IsValidId(id))
        {
            throw new ArgumentException($"a token id is {IdLength} characters of [a-z0-9]", nameof(id));
        }

        Span<byte> random = stackalloc byte[SecretBytes];
        Span<char> token = stackalloc char[Length];
        try
        {
            RandomNumberGenerator.Fill(random);
            Prefix.CopyTo(token);
            id.CopyTo(token[IdStart..]);
            token[SeparatorIndex] = '_';
            Base62.Encode(random, token.Slice(SecretStart, SecretLength));
            Base62.Encode(Crc32.OfAscii(token[..ChecksumStart]), token[ChecksumStart..]);
            return new string(token);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(random);
            token.Clear();
        }
    }

    /// <summary>
    /// Checks the shape and the checksum, nothing else: a true result says the text was minted by us (or is a
    /// lucky guess), not that any registry knows it.
    /// </summary>
    public static bool TryParse(string? presented, [NotNullWhen(true)] out string? id)
    {
        id = null;
        if (presented is null || presented.Length != Length)
        {
            return false;
        }

        var text = presented.AsSpan();
        if (!text.StartsWith(Prefix, StringComparison.Ordinal) ||
            text[SeparatorIndex] != '_' ||
            !IsValidId(text.Slice(IdStart, IdLength)) ||
            !Base62.IsBase62(text[SecretStart..]))
        {
            return false;
        }

        Span<char> checksum = stackalloc char[ChecksumLength];
        Base62.Encode(Crc32.OfAscii(text[..ChecksumStart]), checksum);
        if (!text[ChecksumStart..].SequenceEqual(checksum))
        {
            return false;
        }

        id = presented.Substring(IdStart, IdLength);
        return true;
    }

    public static bool IsValidId([NotNullWhen(true)] string? id) => id is not null && IsValidId(id.AsSpan());

    /// <summary>
    /// The startup <c>user</c> for a token is <c>pct_&lt;id&gt;</c>; a bare id is accepted too. Anything else is
    /// returned unchanged, so the caller's lookup fails for it like for any unknown id.
    /// </summary>
    public static string NormalizeUserToId(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Length == Prefix.Length + IdLength &&
            user.StartsWith(Prefix, StringComparison.Ordinal) &&
            IsValidId(user.AsSpan(Prefix.Length)))
        {
            return user[Prefix.Length..];
        }

        return user;
    }

    /// <summary>The database user name a client connects with: <c>pct_&lt;id&gt;</c>.</summary>
    public static string UserNameFor(string id)
    {
        if (!IsValidId(id))
        {
            throw new ArgumentException($"a token id is {IdLength} characters of [a-z0-9]", nameof(id));
        }

        return Prefix + id;
    }

    private static bool IsValidId(ReadOnlySpan<char> id) => id.Length == IdLength && !id.ContainsAnyExcept(IdValues);
}
