using System.Text.Json;

namespace ProxyCluster.Audit;

/// <summary>
/// A statement's relations as JSON, the same in the JSON-lines format and the control store's jsonb column:
/// <c>[{"name":"public.orders","access":"read"}]</c>.
/// </summary>
public static class AuditRelationJson
{
    /// <summary>Writes the array as the value of the property being written (or as a whole document).</summary>
    public static void WriteArray(Utf8JsonWriter writer, IReadOnlyList<AuditRelation> relations)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(relations);
        writer.WriteStartArray();
        for (var i = 0; i < relations.Count; i++)
        {
            writer.WriteStartObject();
            writer.WriteString(AuditJsonNames.Name, relations[i].Name);
            writer.WriteString(AuditJsonNames.Access, relations[i].Access);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>The array as a JSON document (for a jsonb column).</summary>
    public static string ToJson(IReadOnlyList<AuditRelation> relations)
    {
        using var buffer = new MemoryStream(16 + (relations.Count * 48));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteArray(writer, relations);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <exception cref="JsonException">Not an array of objects each with a string name and access.</exception>
    public static AuditRelation[] Read(JsonElement array)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("relations must be an array");
        }

        var relations = new AuditRelation[array.GetArrayLength()];
        var index = 0;
        foreach (var relation in array.EnumerateArray())
        {
            relations[index++] = new AuditRelation(Text(relation, "name"), Text(relation, "access"));
        }

        return relations;
    }

    /// <inheritdoc cref="Read(JsonElement)"/>
    public static AuditRelation[] Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Read(document.RootElement);
    }

    private static string Text(JsonElement relation, string name) =>
        relation.ValueKind == JsonValueKind.Object && relation.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new JsonException($"\"{name}\" is missing or not a string");
}
