using System.Text.Json;

namespace ProxyCluster.Audit;

/// <summary>The JSON property names and enum values of the audit format, encoded once.</summary>
internal static class AuditJsonNames
{
    public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    public static readonly JsonEncodedText Time = JsonEncodedText.Encode("time");
    public static readonly JsonEncodedText NodeId = JsonEncodedText.Encode("node_id");
    public static readonly JsonEncodedText SessionId = JsonEncodedText.Encode("session_id");
    public static readonly JsonEncodedText Event = JsonEncodedText.Encode("event");
    public static readonly JsonEncodedText TokenId = JsonEncodedText.Encode("token_id");
    public static readonly JsonEncodedText Principal = JsonEncodedText.Encode("principal");
    public static readonly JsonEncodedText AuthMethod = JsonEncodedText.Encode("auth_method");
    public static readonly JsonEncodedText ClientAddress = JsonEncodedText.Encode("client_address");
    public static readonly JsonEncodedText Database = JsonEncodedText.Encode("database");
    public static readonly JsonEncodedText Reason = JsonEncodedText.Encode("reason");
    public static readonly JsonEncodedText SqlState = JsonEncodedText.Encode("sql_state");
    public static readonly JsonEncodedText StatementKinds = JsonEncodedText.Encode("statement_kinds");
    public static readonly JsonEncodedText Relations = JsonEncodedText.Encode("relations");
    public static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    public static readonly JsonEncodedText Access = JsonEncodedText.Encode("access");
    public static readonly JsonEncodedText Decision = JsonEncodedText.Encode("decision");
    public static readonly JsonEncodedText Rule = JsonEncodedText.Encode("rule");
    public static readonly JsonEncodedText DurationMicroseconds = JsonEncodedText.Encode("duration_microseconds");
    public static readonly JsonEncodedText Rows = JsonEncodedText.Encode("rows");
    public static readonly JsonEncodedText NormalizedQuery = JsonEncodedText.Encode("normalized_query");
    public static readonly JsonEncodedText Fingerprint = JsonEncodedText.Encode("fingerprint");

    public static readonly JsonEncodedText SessionType = JsonEncodedText.Encode("session");
    public static readonly JsonEncodedText StatementType = JsonEncodedText.Encode("statement");

    public static JsonEncodedText Of(SessionAuditEvent value) => value switch
    {
        SessionAuditEvent.Connected => Connected,
        SessionAuditEvent.Authenticated => Authenticated,
        SessionAuditEvent.Refused => Refused,
        SessionAuditEvent.Terminated => Terminated,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static JsonEncodedText Of(AuditAuthMethod value) => value switch
    {
        AuditAuthMethod.Scram => Scram,
        AuditAuthMethod.ScramPlus => ScramPlus,
        AuditAuthMethod.Cleartext => Cleartext,
        AuditAuthMethod.Certificate => Certificate,
        AuditAuthMethod.Jwt => Jwt,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static JsonEncodedText Of(AuditDecision value) => value switch
    {
        AuditDecision.Allow => Allow,
        AuditDecision.Deny => Deny,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static SessionAuditEvent ParseEvent(string value) => value switch
    {
        "connected" => SessionAuditEvent.Connected,
        "authenticated" => SessionAuditEvent.Authenticated,
        "refused" => SessionAuditEvent.Refused,
        "terminated" => SessionAuditEvent.Terminated,
        _ => throw new JsonException($"unknown session event \"{value}\""),
    };

    public static AuditAuthMethod ParseAuthMethod(string value) => value switch
    {
        "scram" => AuditAuthMethod.Scram,
        "scram-plus" => AuditAuthMethod.ScramPlus,
        "cleartext" => AuditAuthMethod.Cleartext,
        "certificate" => AuditAuthMethod.Certificate,
        "jwt" => AuditAuthMethod.Jwt,
        _ => throw new JsonException($"unknown auth method \"{value}\""),
    };

    public static AuditDecision ParseDecision(string value) => value switch
    {
        "allow" => AuditDecision.Allow,
        "deny" => AuditDecision.Deny,
        _ => throw new JsonException($"unknown decision \"{value}\""),
    };

    private static readonly JsonEncodedText Connected = JsonEncodedText.Encode("connected");
    private static readonly JsonEncodedText Authenticated = JsonEncodedText.Encode("authenticated");
    private static readonly JsonEncodedText Refused = JsonEncodedText.Encode("refused");
    private static readonly JsonEncodedText Terminated = JsonEncodedText.Encode("terminated");
    private static readonly JsonEncodedText Scram = JsonEncodedText.Encode("scram");
    private static readonly JsonEncodedText ScramPlus = JsonEncodedText.Encode("scram-plus");
    private static readonly JsonEncodedText Cleartext = JsonEncodedText.Encode("cleartext");
    private static readonly JsonEncodedText Certificate = JsonEncodedText.Encode("certificate");
    private static readonly JsonEncodedText Jwt = JsonEncodedText.Encode("jwt");
    private static readonly JsonEncodedText Allow = JsonEncodedText.Encode("allow");
    private static readonly JsonEncodedText Deny = JsonEncodedText.Encode("deny");
}
