namespace ProxyCluster.Node.Configuration;

/// <summary>
/// The certificate the node presents to clients that negotiate TLS (<c>Proxy:Tls</c>). Both files are PEM; the
/// certificate file may carry intermediates after the leaf. Replacing the files takes effect within about a second,
/// without a restart and without dropping sessions.
/// </summary>
public sealed class ServerTlsOptions
{
    public string? CertificateFile { get; set; }

    public string? KeyFile { get; set; }

    /// <summary>
    /// PEM bundle of the CAs whose client certificates (mTLS) are accepted. When set, every TLS handshake asks for a
    /// client certificate; one that is presented must chain to these CAs and be valid now, or the handshake fails.
    /// </summary>
    public string? ClientCaFile { get; set; }

    /// <summary>Which verified client certificates log in as which token, first match wins.</summary>
    public IList<ClientCertificateOptions> ClientCertificates { get; init; } = [];
}

/// <summary>
/// <c>{ "Match": "cn:billing-api", "TokenId": "…" }</c>: a verified client certificate whose common name is
/// billing-api logs in as that token (its principal, routes and policy), without a password, when the startup user
/// is the token's <c>pct_&lt;id&gt;</c> user or its principal. Match forms: <c>subject:CN=…, O=…</c>, <c>cn:…</c>,
/// <c>dns:…</c>, <c>uri:…</c>, <c>email:…</c> (the last three against the subject alternative names).
/// </summary>
public sealed class ClientCertificateOptions
{
    public string Match { get; set; } = string.Empty;

    public string TokenId { get; set; } = string.Empty;
}
