using System.Text.Json;

namespace ProxyCluster.Audit;

/// <summary>
/// Parameter values as JSON, the same in the JSON-lines format and the control store's jsonb column:
/// <c>[{"value":"42"},{"value":"0a0b","format":"binary"},{"value":null},{"value":"abc","truncated":true}]</c>.
/// </summary>
public static class AuditParameterJson
{
    private static readonly JsonEncodedText ValueName = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText FormatName = JsonEncodedText.Encode("format");
    private static readonly JsonEncodedText TruncatedName = JsonEncodedText.Encode("truncated");
    private static readonly JsonEncodedText BinaryFormat = JsonEncodedText.Encode("binary");

    /// <summary>Writes the array as the value of the property being written (or as a whole document).</summary>
    public static void WriteArray(Utf8JsonWriter writer, IReadOnlyList<AuditParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(parameters);
        writer.WriteStartArray();
        for (var i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            writer.WriteStartObject();
            if (parameter.Value is null)
            {
                writer.WriteNull(ValueName);
            }
            else
            {
                writer.WriteString(ValueName, parameter.Value);
            }

            if (parameter.Binary)
            {
                writer.WriteString(FormatName, BinaryFormat);
            }

            if (parameter.Truncated)
            {
                writer.WriteBoolean(TruncatedName, true);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>The array as a JSON document (for a jsonb column).</summary>
    public static string ToJson(IReadOnlyList<AuditParameter> parameters)
    {
        using var buffer = new MemoryStream(16 + (parameters.Count * 32));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteArray(writer, parameters);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <exception cref="JsonException">Not an array of parameter objects.</exception>
    public static AuditParameter[] Read(JsonElement array)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("parameters must be an array");
        }

        var parameters = new AuditParameter[array.GetArrayLength()];
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException("each parameter must be an object");
            }

            var value = element.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var binary = element.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String && f.GetString() == "binary";
            var truncated = element.TryGetProperty("truncated", out var t) && t.ValueKind == JsonValueKind.True;
            parameters[index++] = new AuditParameter(value, binary, truncated);
        }

        return parameters;
    }

    /// <inheritdoc cref="Read(JsonElement)"/>
    public static AuditParameter[] Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Read(document.RootElement);
    }
}
