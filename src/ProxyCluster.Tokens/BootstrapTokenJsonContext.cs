using System.Text.Json.Serialization;

namespace ProxyCluster.Tokens;

/// <summary>
/// Source-generated (de)serialization of bootstrap lines. Strict on the way in: an unknown key is an error, so a
/// typo cannot silently drop a restriction.
/// </summary>
[JsonSourceGenerationOptions(
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(BootstrapTokenLine))]
internal sealed partial class BootstrapTokenJsonContext : JsonSerializerContext;
