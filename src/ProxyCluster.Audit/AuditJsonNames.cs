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
    public static readonly JsonEncodedText Parameters = JsonEncodedText.Encode("parameters");

    public static readonly JsonEncodedText SessionType = JsonEncodedText.Encode("session");
    public static readonly JsonEncodedText StatementType = JsonEncodedText.Encode("statement");

    private static readonly JsonEncodedText[] Events = Encode<SessionAuditEvent>(AuditNames.Name);
    private static readonly JsonEncodedText[] AuthMethods = Encode<AuditAuthMethod>(AuditNames.Name);
    private static readonly JsonEncodedText[] Decisions = Encode<AuditDecision>(AuditNames.Name);

    public static JsonEncodedText Of(SessionAuditEvent value) => Events[(int)value];

    public static JsonEncodedText Of(AuditAuthMethod value) => AuthMethods[(int)value];

    public static JsonEncodedText Of(AuditDecision value) => Decisions[(int)value];

    public static SessionAuditEvent ParseEvent(string value) =>
        AuditNames.TryParse(value, out SessionAuditEvent parsed) ? parsed : throw new JsonException($"unknown session event \"{value}\"");

    public static AuditAuthMethod ParseAuthMethod(string value) =>
        AuditNames.TryParse(value, out AuditAuthMethod parsed) ? parsed : throw new JsonException($"unknown auth method \"{value}\"");

    public static AuditDecision ParseDecision(string value) =>
        AuditNames.TryParse(value, out AuditDecision parsed) ? parsed : throw new JsonException($"unknown decision \"{value}\"");

    /// <summary>Each value's name, encoded once, indexed by the value (the enums are 0, 1, 2, …).</summary>
    private static JsonEncodedText[] Encode<T>(Func<T, string> nameOf)
        where T : struct, Enum
    {
        var values = Enum.GetValues<T>();
        var encoded = new JsonEncodedText[values.Length];
        foreach (var value in values)
        {
            encoded[Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)] = JsonEncodedText.Encode(nameOf(value));
        }

        return encoded;
    }
}
