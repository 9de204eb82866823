namespace ProxyCluster.Audit;

/// <summary>
/// One entry of the audit trail: either a <see cref="SessionAuditRecord"/> or a <see cref="StatementAuditRecord"/>.
/// Records never hold a secret: producers pass token ids (never tokens), principals, addresses, reasons the proxy
/// chose, and queries only as libpg_query normalized them (literals replaced by <c>$n</c>).
/// </summary>
public abstract record AuditRecord
{
    // The two record kinds are the whole vocabulary of the JSON format and of every sink: no third kind from outside.
    private protected AuditRecord()
    {
    }

    /// <summary>When it happened (written as UTC).</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The node that wrote the record.</summary>
    public required string NodeId { get; init; }

    /// <summary>The session's id as the node shows it (admin API, logs).</summary>
    public required string SessionId { get; init; }

    /// <summary>The client's address (<c>ip:port</c>), as the session saw it.</summary>
    public required string ClientAddress { get; init; }
}
