using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ProxyCluster.Cli.Output;

/// <summary>JSON for scripts: always one value on one line, whatever whitespace the node used.</summary>
internal static class JsonText
{
    // Nothing printed here is embedded in HTML; keep '+', '<' and quotes in reasons readable.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The node's answer re-written on one line (a JSON string cannot hold a raw newline, so this is safe).</summary>
    public static string Compact(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Write(document.RootElement.WriteTo);
    }

    public static string Compact(JsonNode node) => Write(writer => node.WriteTo(writer));

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
