using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ProxyCluster.Tokens.Journal;

/// <summary>(De)serializes event payloads for the journal's jsonb column. Strict: an unknown key is an error.</summary>
public static class TokenEventJson
{
    private static readonly JsonTypeInfo<TokenEventPayload> PayloadInfo = CreatePayloadInfo();

    public static string Serialize(TokenEventPayload payload) => JsonSerializer.Serialize(payload, PayloadInfo);

    /// <summary>Reads a stored payload; a <see cref="FormatException"/> names what is wrong.</summary>
    public static TokenEventPayload Deserialize(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, PayloadInfo) ?? throw new FormatException("an event payload is a JSON object");
        }
        catch (JsonException e)
        {
            throw new FormatException($"invalid event payload: {e.Message}", e);
        }
    }

    private static JsonTypeInfo<TokenEventPayload> CreatePayloadInfo()
    {
        // Base64 and SCRAM strings are full of '+'; keep them readable in psql.
        var options = new JsonSerializerOptions(TokenEventJsonContext.Default.Options)
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        return (JsonTypeInfo<TokenEventPayload>)options.GetTypeInfo(typeof(TokenEventPayload));
    }
}

[JsonSourceGenerationOptions(
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(TokenEventPayload))]
internal sealed partial class TokenEventJsonContext : JsonSerializerContext;
