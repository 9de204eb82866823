using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ProxyCluster.Sessions.Tls;

/// <summary>
/// Client certificates (mTLS) on a listener: the CAs a client certificate must chain to, and the rules that map a
/// verified certificate to the token it logs in as. A presented certificate that does not verify — unknown issuer,
/// expired, not yet valid, not for client authentication — fails the handshake; a verified one that no rule maps
/// leaves the client to authenticate as usual.
/// </summary>
public sealed class ClientCertificatePolicy
{
    private const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    private readonly X509Certificate2Collection _roots;
    private readonly IReadOnlyList<ClientCertificateRule> _rules;
    private readonly TimeProvider _time;

    public ClientCertificatePolicy(X509Certificate2Collection roots, IReadOnlyList<ClientCertificateRule> rules, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(roots);
        ArgumentNullException.ThrowIfNull(rules);
        if (roots.Count == 0)
        {
            throw new ArgumentException("At least one CA certificate is required.", nameof(roots));
        }

        _roots = roots;
        _rules = [.. rules];
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Reads the CA bundle (PEM); throws when it cannot be read or holds no certificate.</summary>
    public static ClientCertificatePolicy Load(string caFile, IReadOnlyList<ClientCertificateRule> rules)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caFile);
        if (roots.Count == 0)
        {
            throw new CryptographicException($"{caFile} holds no PEM certificate");
        }

        return new ClientCertificatePolicy(roots, rules);
    }

    /// <summary>True when <paramref name="certificate"/> chains to one of the CAs, is valid now and may authenticate a client.</summary>
    public bool IsTrusted(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ClientAuthenticationOid));
        return chain.Build(certificate);
    }

    /// <summary>The token the first matching rule names, or null.</summary>
    public string? Map(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        foreach (var rule in _rules)
        {
            if (Matches(certificate, rule))
            {
                return rule.TokenId;
            }
        }

        return null;
    }

    private static bool Matches(X509Certificate2 certificate, ClientCertificateRule rule) => rule.Field switch
    {
        ClientCertificateField.Subject => string.Equals(certificate.Subject, rule.Value, StringComparison.Ordinal),
        ClientCertificateField.CommonName => string.Equals(certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false), rule.Value, StringComparison.Ordinal),
        _ => AlternativeNames(certificate, rule.Field).Contains(rule.Value, rule.Field == ClientCertificateField.Uri ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase),
    };

    /// <summary>The subject alternative names of one kind: DNS names, URIs or e-mail addresses (RFC 5280 GeneralName).</summary>
    private static List<string> AlternativeNames(X509Certificate2 certificate, ClientCertificateField field)
    {
        var names = new List<string>();
        var extension = certificate.Extensions["2.5.29.17"];
        if (extension is null)
        {
            return names;
        }

        var tag = field switch
        {
            ClientCertificateField.Email => new Asn1Tag(TagClass.ContextSpecific, 1), // rfc822Name
            ClientCertificateField.Dns => new Asn1Tag(TagClass.ContextSpecific, 2), // dNSName
            _ => new Asn1Tag(TagClass.ContextSpecific, 6), // uniformResourceIdentifier
        };
        try
        {
            var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
            while (reader.HasData)
            {
                if (reader.PeekTag() == tag)
                {
                    names.Add(reader.ReadCharacterString(UniversalTagNumber.IA5String, tag));
                }
                else
                {
                    reader.ReadEncodedValue();
                }
            }
        }
        catch (AsnContentException)
        {
            names.Clear(); // a malformed extension names nobody
        }

        return names;
    }
}
