using System.Security.Cryptography;

namespace ProxyCluster.Protocol.Scram;

/// <summary>The key derivations of RFC 5802 section 3, with SHA-256 as RFC 7677 and PostgreSQL use it.</summary>
internal static class ScramMath
{
    public const int KeyLength = SHA256.HashSizeInBytes;

    private static ReadOnlySpan<byte> ClientKeyLabel => "Client Key"u8;

    private static ReadOnlySpan<byte> ServerKeyLabel => "Server Key"u8;

    /// <summary>SaltedPassword := Hi(Normalize(password), salt, i), where Hi is PBKDF2 with HMAC-SHA-256.</summary>
    public static byte[] SaltedPassword(ReadOnlySpan<byte> normalizedPassword, ReadOnlySpan<byte> salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(normalizedPassword, salt, iterations, HashAlgorithmName.SHA256, KeyLength);

    /// <summary>ClientKey := HMAC(SaltedPassword, "Client Key").</summary>
    public static byte[] ClientKey(ReadOnlySpan<byte> saltedPassword) => HMACSHA256.HashData(saltedPassword, ClientKeyLabel);

    /// <summary>ServerKey := HMAC(SaltedPassword, "Server Key").</summary>
    public static byte[] ServerKey(ReadOnlySpan<byte> saltedPassword) => HMACSHA256.HashData(saltedPassword, ServerKeyLabel);

    /// <summary>StoredKey := H(ClientKey).</summary>
    public static byte[] StoredKey(ReadOnlySpan<byte> clientKey) => SHA256.HashData(clientKey);

    /// <summary>ClientSignature := HMAC(StoredKey, AuthMessage); ServerSignature := HMAC(ServerKey, AuthMessage).</summary>
    public static void Signature(ReadOnlySpan<byte> key, ReadOnlySpan<byte> authMessage, Span<byte> destination) =>
        HMACSHA256.HashData(key, authMessage, destination);

    /// <summary>ClientProof := ClientKey XOR ClientSignature, and back again: ClientKey := ClientProof XOR ClientSignature.</summary>
    public static void Xor(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)(left[i] ^ right[i]);
        }
    }

    /// <summary>
    /// AuthMessage := client-first-message-bare + "," + server-first-message + "," + client-final-message-without-proof.
    /// </summary>
    public static byte[] AuthMessage(ReadOnlySpan<byte> clientFirstBare, ReadOnlySpan<byte> serverFirst, ReadOnlySpan<byte> clientFinalWithoutProof)
    {
        var message = new byte[clientFirstBare.Length + 1 + serverFirst.Length + 1 + clientFinalWithoutProof.Length];
        var rest = message.AsSpan();
        clientFirstBare.CopyTo(rest);
        rest = rest[clientFirstBare.Length..];
        rest[0] = (byte)',';
        serverFirst.CopyTo(rest[1..]);
        rest = rest[(1 + serverFirst.Length)..];
        rest[0] = (byte)',';
        clientFinalWithoutProof.CopyTo(rest[1..]);
        return message;
    }
}
