namespace ProxyCluster.Audit;

/// <summary>How a client proved who it is. JSON names: <c>scram</c>, <c>scram-plus</c>, <c>cleartext</c>, <c>certificate</c>, <c>jwt</c>.</summary>
public enum AuditAuthMethod
{
    /// <summary>SCRAM-SHA-256 without channel binding.</summary>
    Scram,

    /// <summary>SCRAM-SHA-256-PLUS (<c>tls-server-end-point</c> channel binding).</summary>
    ScramPlus,

    /// <summary>A token sent as a cleartext password over TLS.</summary>
    Cleartext,

    /// <summary>A verified client certificate.</summary>
    Certificate,

    /// <summary>A JWT from an OAuth2/OIDC provider, sent as the password.</summary>
    Jwt,
}
