using ProxyCluster.Audit;

namespace ProxyCluster.Control.Audit;

/// <summary>
/// The text the audit table holds for the record's enums: the audit JSON format's names (what the migration's
/// CHECKs allow), so a row reads the same as a line of the JSON-lines sink. Relations and parameters are the
/// format's own arrays (<see cref="AuditRelationJson"/>, <see cref="AuditParameterJson"/>).
/// </summary>
internal static class AuditColumns
{
    public const string SessionType = "session";
    public const string StatementType = "statement";

    public static string Name(SessionAuditEvent value) => AuditNames.Name(value);

    public static string Name(AuditAuthMethod value) => AuditNames.Name(value);

    public static string Name(AuditDecision value) => AuditNames.Name(value);

    public static string Name(AuditRecordType value) => value switch
    {
        AuditRecordType.Session => SessionType,
        AuditRecordType.Statement => StatementType,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static SessionAuditEvent ParseEvent(string value) =>
        AuditNames.TryParse(value, out SessionAuditEvent parsed) ? parsed : throw Unknown("event", value);

    public static AuditAuthMethod ParseAuthMethod(string value) =>
        AuditNames.TryParse(value, out AuditAuthMethod parsed) ? parsed : throw Unknown("auth_method", value);

    public static AuditDecision ParseDecision(string value) =>
        AuditNames.TryParse(value, out AuditDecision parsed) ? parsed : throw Unknown("decision", value);

    // Only a row written by a newer node could hold one, and the CHECKs make that a schema version this node refuses.
    private static InvalidOperationException Unknown(string column, string value) =>
        new($"the audit table holds an unknown {column} \"{value}\"");
}
