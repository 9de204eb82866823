using System.Text.Json.Serialization;

namespace ProxyCluster.Cli.Admin;

/// <summary>Source-generated JSON for <c>proxyctl audit</c>'s answers, read leniently as <see cref="AdminJsonContext"/> reads the others.</summary>
[JsonSerializable(typeof(AuditSearchResponse))]
[JsonSerializable(typeof(AuditRecordView))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
