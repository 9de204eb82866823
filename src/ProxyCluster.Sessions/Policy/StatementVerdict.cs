using ProxyCluster.Protocol.Errors;

namespace ProxyCluster.Sessions.Policy;

/// <summary>
/// Allowed, or denied with the error the client gets in place of the server's answer (42501 unless the query was
/// unreadable); with what the audit trail records about the query, when the gate knows it.
/// </summary>
public readonly record struct StatementVerdict(PostgresError? Denial)
{
    public static StatementVerdict Allow => default;

    public bool Allowed => Denial is null;

    public StatementAuditFacts? Facts { get; init; }

    public static StatementVerdict Deny(PostgresError error) => new(error);
}
