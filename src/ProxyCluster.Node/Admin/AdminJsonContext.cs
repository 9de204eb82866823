using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProxyCluster.Node.Admin;

/// <summary>The admin API's JSON: readable quotes and '+' (no HTML ever embeds it), unknown request keys refused.</summary>
public static class AdminJson
{
    public static AdminJsonContext Context { get; } = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    });
}

/// <summary>Source-generated JSON for every admin API body. Requests with unknown keys are refused: a typo must not be ignored.</summary>
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(AdminError))]
[JsonSerializable(typeof(TokenView))]
[JsonSerializable(typeof(TokenListResponse))]
[JsonSerializable(typeof(RevokeTokenResponse))]
[JsonSerializable(typeof(CreateTokenRequest))]
[JsonSerializable(typeof(RevokeTokenRequest))]
[JsonSerializable(typeof(RotateTokenRequest))]
[JsonSerializable(typeof(ChangeScopesRequest))]
[JsonSerializable(typeof(KillSessionRequest))]
[JsonSerializable(typeof(CancelKeyRequest))]
[JsonSerializable(typeof(CancelKeyResponse))]
[JsonSerializable(typeof(RevokeJwtRequest))]
[JsonSerializable(typeof(SessionListResponse))]
[JsonSerializable(typeof(KillSessionResponse))]
[JsonSerializable(typeof(ClusterResponse))]
public sealed partial class AdminJsonContext : JsonSerializerContext;
