using System.Text.Json.Serialization;

namespace ProxyCluster.Node.Admin;

/// <summary>
/// Source-generated JSON for <c>GET /v1/audit</c>. Its own context beside <see cref="AdminJsonContext"/>: the records
/// are written by <see cref="AuditRecordBodyConverter"/> as raw audit JSON, so no options of the admin context apply.
/// </summary>
[JsonSerializable(typeof(AuditSearchResponse))]
public sealed partial class AuditJsonContext : JsonSerializerContext;
