using System.Text.Json;
using ProxyCluster.Audit;

namespace ProxyCluster.Control.Audit;

/// <summary>
/// The text the audit table holds for the record's enums and relations: the audit JSON format's names (what the
/// migration's CHECKs allow), so a row reads the same as a line of the JSON-lines sink.
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

    /// <summary>The relations as the jsonb column holds them: <c>[{"name": …, "access": …}]</c>.</summary>
    public static string RelationsJson(IReadOnlyList<AuditRelation> relations)
    {
        using var buffer = new MemoryStream(64 + (relations.Count * 48));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            for (var i = 0; i < relations.Count; i++)
            {
                writer.WriteStartObject();
                writer.WriteString("name", relations[i].Name);
                writer.WriteString("access", relations[i].Access);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static AuditRelation[] ParseRelations(string json)
    {
        using var document = JsonDocument.Parse(json);
        var array = document.RootElement;
        var relations = new AuditRelation[array.GetArrayLength()];
        var index = 0;
        foreach (var relation in array.EnumerateArray())
        {
            relations[index++] = new AuditRelation(
                relation.GetProperty("name").GetString() ?? "",
                relation.TryGetProperty("access", out var access) ? access.GetString() ?? "" : "");
        }

        return relations;
    }

    // Only a row written by a newer node could hold one, and the CHECKs make that a schema version this node refuses.
    private static InvalidOperationException Unknown(string column, string value) =>
        new($"the audit table holds an unknown {column} \"{value}\"");
}
