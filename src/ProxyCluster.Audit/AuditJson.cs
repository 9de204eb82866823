using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ProxyCluster.Audit;

/// <summary>
/// The audit trail's JSON-lines format: one record per line, snake_case keys, <c>"type":"session"|"statement"</c>
/// first, absent optional fields left out, time in UTC. Used by the JSON-lines sink and the spill files.
/// </summary>
public static class AuditJson
{
    // The relaxed encoder keeps SQL operators and non-ASCII names readable (`<` instead of `\u003C`) for grep and jq.
    // It still escapes quotes and control characters, so a record stays on one line. These lines are never embedded
    // in HTML, which is what the default encoder guards against.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // A writer per thread, re-pointed at each output: the pipeline's drain loop writes thousands of lines a second.
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Writes <paramref name="record"/> as one JSON object followed by <c>\n</c>.</summary>
    public static void WriteLine(AuditRecord record, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(output);

        var writer = t_writer;
        if (writer is null)
        {
            writer = t_writer = new Utf8JsonWriter(output, WriterOptions);
        }
        else
        {
            writer.Reset(output);
        }

        try
        {
            Write(writer, record);
            writer.Flush();
        }
        finally
        {
            // Don't keep the caller's buffer alive from a thread-static.
            writer.Reset(Stream.Null);
        }

        output.GetSpan(1)[0] = (byte)'\n';
        output.Advance(1);
    }

    /// <summary>Writes <paramref name="record"/> as one JSON object into <paramref name="writer"/> (no newline).</summary>
    public static void Write(Utf8JsonWriter writer, AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (record)
        {
            case SessionAuditRecord session:
                WriteSession(writer, session);
                break;
            case StatementAuditRecord statement:
                WriteStatement(writer, statement);
                break;
            default:
                throw new ArgumentException($"unknown audit record type {record?.GetType().Name ?? "null"}", nameof(record));
        }
    }

    /// <summary>Reads one line written by <see cref="WriteLine"/>. Unknown properties are ignored.</summary>
    /// <exception cref="JsonException">The line is not JSON or not an audit record.</exception>
    public static AuditRecord ReadLine(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        return Read(ref reader);
    }

    /// <inheritdoc cref="ReadLine(ReadOnlySpan{byte})"/>
    public static AuditRecord ReadLine(ReadOnlySequence<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        return Read(ref reader);
    }

    private static void WriteSession(Utf8JsonWriter writer, SessionAuditRecord record)
    {
        writer.WriteStartObject();
        WriteCommon(writer, AuditJsonNames.SessionType, record);
        writer.WriteString(AuditJsonNames.Event, AuditJsonNames.Of(record.Event));
        WriteOptional(writer, AuditJsonNames.TokenId, record.TokenId);
        WriteOptional(writer, AuditJsonNames.Principal, record.Principal);
        if (record.AuthMethod is { } method)
        {
            writer.WriteString(AuditJsonNames.AuthMethod, AuditJsonNames.Of(method));
        }

        writer.WriteString(AuditJsonNames.ClientAddress, record.ClientAddress);
        WriteOptional(writer, AuditJsonNames.Database, record.Database);
        WriteOptional(writer, AuditJsonNames.Reason, record.Reason);
        WriteOptional(writer, AuditJsonNames.SqlState, record.SqlState);
        writer.WriteEndObject();
    }

    private static void WriteStatement(Utf8JsonWriter writer, StatementAuditRecord record)
    {
        writer.WriteStartObject();
        WriteCommon(writer, AuditJsonNames.StatementType, record);
        writer.WriteString(AuditJsonNames.TokenId, record.TokenId);
        writer.WriteString(AuditJsonNames.Principal, record.Principal);
        writer.WriteString(AuditJsonNames.ClientAddress, record.ClientAddress);
        writer.WriteString(AuditJsonNames.Database, record.Database);

        writer.WriteStartArray(AuditJsonNames.StatementKinds);
        for (var i = 0; i < record.StatementKinds.Count; i++)
        {
            writer.WriteStringValue(record.StatementKinds[i]);
        }

        writer.WriteEndArray();

        writer.WritePropertyName(AuditJsonNames.Relations);
        AuditRelationJson.WriteArray(writer, record.Relations);

        writer.WriteString(AuditJsonNames.Decision, AuditJsonNames.Of(record.Decision));
        WriteOptional(writer, AuditJsonNames.Rule, record.Rule);
        WriteOptional(writer, AuditJsonNames.Reason, record.Reason);
        WriteOptional(writer, AuditJsonNames.DurationMicroseconds, record.DurationMicroseconds);
        WriteOptional(writer, AuditJsonNames.Rows, record.Rows);
        WriteOptional(writer, AuditJsonNames.SqlState, record.SqlState);
        WriteOptional(writer, AuditJsonNames.NormalizedQuery, record.NormalizedQuery);
        WriteOptional(writer, AuditJsonNames.Fingerprint, record.Fingerprint);
        if (record.Parameters is { } parameters)
        {
            writer.WritePropertyName(AuditJsonNames.Parameters);
            AuditParameterJson.WriteArray(writer, parameters);
        }

        writer.WriteEndObject();
    }

    private static void WriteCommon(Utf8JsonWriter writer, JsonEncodedText type, AuditRecord record)
    {
        writer.WriteString(AuditJsonNames.Type, type);

        // UtcDateTime has Kind=Utc, so the writer ends it with "Z" and trims trailing zero digits of the fraction.
        writer.WriteString(AuditJsonNames.Time, record.Time.UtcDateTime);
        writer.WriteString(AuditJsonNames.NodeId, record.NodeId);
        writer.WriteString(AuditJsonNames.SessionId, record.SessionId);
    }

    private static void WriteOptional(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, JsonEncodedText name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }

    private static AuditRecord Read(ref Utf8JsonReader reader)
    {
        // Spill files are read only while a sink catches up, so a DOM per line costs nothing that matters.
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("an audit record must be a JSON object");
        }

        return RequiredString(root, "type") switch
        {
            "session" => ReadSession(root),
            "statement" => ReadStatement(root),
            var other => throw new JsonException($"unknown audit record type \"{other}\""),
        };
    }

    private static SessionAuditRecord ReadSession(JsonElement root)
    {
        var authMethod = OptionalString(root, "auth_method");
        return new SessionAuditRecord
        {
            Time = RequiredTime(root),
            NodeId = RequiredString(root, "node_id"),
            SessionId = RequiredString(root, "session_id"),
            Event = AuditJsonNames.ParseEvent(RequiredString(root, "event")),
            TokenId = OptionalString(root, "token_id"),
            Principal = OptionalString(root, "principal"),
            AuthMethod = authMethod is null ? null : AuditJsonNames.ParseAuthMethod(authMethod),
            ClientAddress = RequiredString(root, "client_address"),
            Database = OptionalString(root, "database"),
            Reason = OptionalString(root, "reason"),
            SqlState = OptionalString(root, "sql_state"),
        };
    }

    private static StatementAuditRecord ReadStatement(JsonElement root)
    {
        var kindsElement = RequiredArray(root, "statement_kinds");
        var kinds = new string[kindsElement.GetArrayLength()];
        var index = 0;
        foreach (var kind in kindsElement.EnumerateArray())
        {
            kinds[index++] = kind.GetString() ?? throw new JsonException("statement_kinds holds a null");
        }

        var relations = AuditRelationJson.Read(RequiredArray(root, "relations"));

        return new StatementAuditRecord
        {
            Time = RequiredTime(root),
            NodeId = RequiredString(root, "node_id"),
            SessionId = RequiredString(root, "session_id"),
            TokenId = RequiredString(root, "token_id"),
            Principal = RequiredString(root, "principal"),
            ClientAddress = RequiredString(root, "client_address"),
            Database = RequiredString(root, "database"),
            StatementKinds = kinds,
            Relations = relations,
            Decision = AuditJsonNames.ParseDecision(RequiredString(root, "decision")),
            Rule = OptionalString(root, "rule"),
            Reason = OptionalString(root, "reason"),
            DurationMicroseconds = OptionalInt64(root, "duration_microseconds"),
            Rows = OptionalInt64(root, "rows"),
            SqlState = OptionalString(root, "sql_state"),
            NormalizedQuery = OptionalString(root, "normalized_query"),
            Fingerprint = OptionalString(root, "fingerprint"),
            Parameters = root.TryGetProperty("parameters", out var parameters) ? AuditParameterJson.Read(parameters) : null,
        };
    }

    private static DateTimeOffset RequiredTime(JsonElement root) =>
        Required(root, "time", JsonValueKind.String).TryGetDateTimeOffset(out var time)
            ? time
            : throw new JsonException("\"time\" is not an ISO 8601 time");

    private static string RequiredString(JsonElement element, string name) =>
        Required(element, name, JsonValueKind.String).GetString()!;

    private static JsonElement RequiredArray(JsonElement element, string name) =>
        Required(element, name, JsonValueKind.Array);

    private static JsonElement Required(JsonElement element, string name, JsonValueKind kind) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == kind
            ? value
            : throw new JsonException($"\"{name}\" is missing or not a {kind.ToString().ToLowerInvariant()}");

    private static string? OptionalString(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new JsonException($"\"{name}\" is not a string");
    }

    private static long? OptionalInt64(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : throw new JsonException($"\"{name}\" is not an integer");
    }
}
