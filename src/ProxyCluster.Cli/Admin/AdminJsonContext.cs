using System.Text.Json.Serialization;

namespace ProxyCluster.Cli.Admin;

/// <summary>
/// Source-generated JSON for every admin API body proxyctl sends or reads. Null members are not written; answers
/// are read leniently (unknown keys ignored) so a node that grew a field does not break an older proxyctl.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateTokenRequest))]
[JsonSerializable(typeof(RevokeTokenRequest))]
[JsonSerializable(typeof(RevokeJwtRequest))]
[JsonSerializable(typeof(RotateTokenRequest))]
[JsonSerializable(typeof(ChangeScopesRequest))]
[JsonSerializable(typeof(KillSessionRequest))]
[JsonSerializable(typeof(TokenView))]
[JsonSerializable(typeof(TokenListResponse))]
[JsonSerializable(typeof(RevokeTokenResponse))]
[JsonSerializable(typeof(SessionListResponse))]
[JsonSerializable(typeof(KillSessionResponse))]
[JsonSerializable(typeof(ClusterResponse))]
[JsonSerializable(typeof(AdminErrorBody))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
