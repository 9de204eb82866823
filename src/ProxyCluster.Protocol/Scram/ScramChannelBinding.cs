using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ProxyCluster.Protocol.Scram;

/// <summary>
/// The channel binding a SCRAM-SHA-256-PLUS exchange is tied to (RFC 5802 section 6): a type name and the data both
/// ends compute from their TLS connection. PostgreSQL supports one type, <c>tls-server-end-point</c> (RFC 5929): a
/// hash of the server's certificate, which a man in the middle with a different certificate cannot reproduce.
/// </summary>
public sealed class ScramChannelBinding
{
    public const string TlsServerEndPointType = "tls-server-end-point";

    public ScramChannelBinding(string type, ReadOnlySpan<byte> data)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        if (data.IsEmpty)
        {
            throw new ArgumentException("Channel binding data must not be empty.", nameof(data));
        }

        Type = type;
        Data = data.ToArray();
    }

    /// <summary>The cb-name the client names in its GS2 header (<c>p=&lt;type&gt;</c>).</summary>
    public string Type { get; }

    /// <summary>The cbind-data, sent by the client base64-encoded after its GS2 header in <c>c=</c>.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>
    /// <c>tls-server-end-point</c> for the server's certificate: the certificate hashed with its signature's hash
    /// algorithm, SHA-256 when that is MD5 or SHA-1 (RFC 5929 section 4.1). Null when the signature names no single
    /// hash this can compute (RSASSA-PSS, EdDSA, SHA-224): PostgreSQL does not offer channel binding for those either.
    /// </summary>
    public static ScramChannelBinding? TlsServerEndPoint(X509Certificate2 serverCertificate)
    {
        ArgumentNullException.ThrowIfNull(serverCertificate);
        var algorithm = HashForSignature(serverCertificate.SignatureAlgorithm.Value);
        if (algorithm is null)
        {
            return null;
        }

        var raw = serverCertificate.RawDataMemory.Span;
        byte[] hash = algorithm.Value.Name switch
        {
            nameof(HashAlgorithmName.SHA384) => SHA384.HashData(raw),
            nameof(HashAlgorithmName.SHA512) => SHA512.HashData(raw),
            _ => SHA256.HashData(raw),
        };
        return new ScramChannelBinding(TlsServerEndPointType, hash);
    }

    /// <summary>The hash RFC 5929 prescribes for a certificate signed with the algorithm <paramref name="signatureOid"/>.</summary>
    internal static HashAlgorithmName? HashForSignature(string? signatureOid) => signatureOid switch
    {
        // MD5 and SHA-1 signatures (RSA, DSA, ECDSA): RFC 5929 says use SHA-256.
        "1.2.840.113549.1.1.4" or "1.2.840.113549.1.1.5" or "1.2.840.10040.4.3" or "1.2.840.10045.4.1" => HashAlgorithmName.SHA256,
        // SHA-256 with RSA, ECDSA, DSA.
        "1.2.840.113549.1.1.11" or "1.2.840.10045.4.3.2" or "2.16.840.1.101.3.4.3.2" => HashAlgorithmName.SHA256,
        // SHA-384 with RSA, ECDSA.
        "1.2.840.113549.1.1.12" or "1.2.840.10045.4.3.3" => HashAlgorithmName.SHA384,
        // SHA-512 with RSA, ECDSA.
        "1.2.840.113549.1.1.13" or "1.2.840.10045.4.3.4" => HashAlgorithmName.SHA512,
        _ => null,
    };
}
