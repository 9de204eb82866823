using System.Diagnostics.CodeAnalysis;

namespace ProxyCluster.Sessions.Tls;

/// <summary>What part of a client certificate a <see cref="ClientCertificateRule"/> compares.</summary>
public enum ClientCertificateField
{
    /// <summary>The whole subject distinguished name, as .NET formats it (<c>CN=billing, O=Acme</c>).</summary>
    Subject,

    /// <summary>The subject's common name.</summary>
    CommonName,

    /// <summary>A DNS name in the subject alternative names.</summary>
    Dns,

    /// <summary>A URI in the subject alternative names (a SPIFFE id, say).</summary>
    Uri,

    /// <summary>An e-mail address in the subject alternative names.</summary>
    Email,
}

/// <summary>
/// "A verified client certificate whose <see cref="Field"/> is <see cref="Value"/> logs in as token
/// <see cref="TokenId"/>": the token supplies the principal, routes and policy, and revoking or expiring the token
/// ends certificate logins and their live sessions exactly as it does password logins.
/// </summary>
public sealed record ClientCertificateRule(ClientCertificateField Field, string Value, string TokenId)
{
    /// <summary>Reads <c>subject:CN=…</c>, <c>cn:…</c>, <c>dns:…</c>, <c>uri:…</c> or <c>email:…</c>.</summary>
    public static bool TryParse(string match, string tokenId, [NotNullWhen(true)] out ClientCertificateRule? rule)
    {
        rule = null;
        var colon = match?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (colon <= 0 || colon == match!.Length - 1 || string.IsNullOrWhiteSpace(tokenId))
        {
            return false;
        }

        ClientCertificateField? field = match[..colon].ToUpperInvariant() switch
        {
            "SUBJECT" => ClientCertificateField.Subject,
            "CN" => ClientCertificateField.CommonName,
            "DNS" => ClientCertificateField.Dns,
            "URI" => ClientCertificateField.Uri,
            "EMAIL" => ClientCertificateField.Email,
            _ => null,
        };
        if (field is null)
        {
            return false;
        }

        rule = new ClientCertificateRule(field.Value, match[(colon + 1)..], tokenId);
        return true;
    }
}
