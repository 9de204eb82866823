using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ProxyCluster.Audit;

namespace ProxyCluster.Node.Admin;

/// <summary>
/// Writes an <see cref="AuditRecordBody"/> as <c>{"id": N, …}</c> followed by exactly what <see cref="AuditJson"/>
/// writes for the record, so the API, the audit file and the spill files share one shape and one writer.
/// </summary>
public sealed class AuditRecordBodyConverter : JsonConverter<AuditRecordBody>
{
    // As AuditJson's own lines: SQL operators and non-ASCII names stay readable; quotes and controls are escaped.
    private static readonly JsonWriterOptions RecordWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override AuditRecordBody Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("audit records are only written by the admin API");

    public override void Write(Utf8JsonWriter writer, AuditRecordBody value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        var record = new ArrayBufferWriter<byte>(512);
        using (var recordWriter = new Utf8JsonWriter(record, RecordWriterOptions))
        {
            AuditJson.Write(recordWriter, value.Record);
        }

        // AuditJson always writes a non-empty object ("type" first): put the id in front of its first member.
        var prefix = Encoding.UTF8.GetBytes("{\"id\":" + value.Id.ToString(CultureInfo.InvariantCulture) + ",");
        var body = record.WrittenSpan[1..];
        var spliced = new byte[prefix.Length + body.Length];
        prefix.CopyTo(spliced, 0);
        body.CopyTo(spliced.AsSpan(prefix.Length));
        writer.WriteRawValue(spliced, skipInputValidation: true);
    }
}
