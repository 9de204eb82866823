using System.Text;

namespace ProxyCluster.Protocol.Scram;

/// <summary>
/// The Normalize() step of RFC 5802. PostgreSQL runs SASLprep (RFC 4013) over the password and, when the password is
/// not valid UTF-8 or SASLprep rejects it, falls back to the raw bytes. We do not carry a SASLprep implementation:
/// our own secrets are API tokens (printable ASCII), for which SASLprep is the identity. Any other password is used
/// as its raw UTF-8 bytes. That matches PostgreSQL for every password SASLprep leaves unchanged or rejects (e.g. one
/// with control characters), but NOT for one SASLprep would rewrite (non-ASCII spaces, characters NFKC changes,
/// soft hyphens and other "mapped to nothing" code points): such an upstream password must be set in PostgreSQL
/// in its already-normalized form.
/// </summary>
internal static class ScramPassword
{
    // Strict: a string with a lone surrogate has no UTF-8 form, and silently replacing it with U+FFFD would make
    // distinct passwords collide.
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Returns the bytes fed to PBKDF2. The caller should zero them when done.</summary>
    public static byte[] Normalize(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        try
        {
            // Printable ASCII is its own SASLprep output and anything else is passed through as raw UTF-8, so both
            // branches of the rule come down to the UTF-8 encoding; the rule is spelled out above for the reader.
            return s_strictUtf8.GetBytes(password);
        }
        catch (EncoderFallbackException)
        {
            // The exception would quote the offending character: never echo any part of a password.
            throw new ArgumentException("The password is not valid Unicode (it contains an unpaired surrogate).", nameof(password));
        }
    }
}
