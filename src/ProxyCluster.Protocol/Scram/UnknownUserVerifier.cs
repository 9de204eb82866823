using System.Security.Cryptography;
using System.Text;

namespace ProxyCluster.Protocol.Scram;

/// <summary>
/// A stand-in verifier for a user that does not exist, so the exchange looks the same to a prober as one with a
/// wrong password (PostgreSQL's scram_mock_salt does the same). The salt must be stable per user name, or asking
/// twice would give the game away; its keys are random so no proof can ever match them.
/// </summary>
internal static class UnknownUserVerifier
{
    /// <summary>Per-process: salts stay stable for the life of the process and cannot be predicted from outside.</summary>
    private static readonly byte[] s_processSecret = RandomNumberGenerator.GetBytes(32);

    public static ReadOnlySpan<byte> ProcessSecret => s_processSecret;

    public static ScramVerifier Create(string userName, ReadOnlySpan<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentOutOfRangeException.ThrowIfLessThan(secret.Length, 16, nameof(secret));

        // Domain-separated so the secret could be shared with another use without the outputs colliding.
        var input = Encoding.UTF8.GetBytes("proxycluster-scram-mock-salt:" + userName);
        var mac = HMACSHA256.HashData(secret, input);
        var salt = mac.AsSpan(0, ScramVerifier.DefaultSaltLength).ToArray();
        return new ScramVerifier(
            ScramVerifier.DefaultIterations,
            salt,
            RandomNumberGenerator.GetBytes(ScramMath.KeyLength),
            RandomNumberGenerator.GetBytes(ScramMath.KeyLength));
    }
}
