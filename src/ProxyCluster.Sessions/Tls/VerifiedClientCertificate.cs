namespace ProxyCluster.Sessions.Tls;

/// <summary>A client certificate that verified in the handshake, and the token its listener's rules map it to (if any).</summary>
public sealed record VerifiedClientCertificate(string Subject, string Thumbprint, string? TokenId);
