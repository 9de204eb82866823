using System.Security.Cryptography;

namespace ProxyCluster.Protocol.Scram;

/// <summary>Nonces: random bytes in base64, the way libpq and the PostgreSQL server make them.</summary>
internal static class ScramNonce
{
    /// <summary>18 bytes encode to 24 base64 characters with no padding; libpq and PostgreSQL use the same length.</summary>
    public const int RandomBytes = 18;

    public static string Create() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(RandomBytes));

    /// <summary>RFC 5802: c-nonce and s-nonce are printable = %x21-2B / %x2D-7E (any visible ASCII except ',').</summary>
    public static bool IsPrintable(ReadOnlySpan<byte> nonce)
    {
        if (nonce.IsEmpty)
        {
            return false;
        }

        foreach (var b in nonce)
        {
            if (b is < 0x21 or > 0x7E or (byte)',')
            {
                return false;
            }
        }

        return true;
    }
}
