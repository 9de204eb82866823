using System.Text.Json.Serialization;
using ProxyCluster.Audit;

namespace ProxyCluster.Node.Admin;

/// <summary>
/// <c>GET /v1/audit</c>: the records found, and the cursor to read on from: the highest id among them, else the
/// <c>after</c> that was asked for (null when neither).
/// </summary>
public sealed record AuditSearchResponse(
    [property: JsonPropertyName("records")] IReadOnlyList<AuditRecordBody> Records,
    [property: JsonPropertyName("last_id")] long? LastId);

/// <summary>One record as the audit JSON-lines format writes it, with its store id added as <c>id</c>.</summary>
[JsonConverter(typeof(AuditRecordBodyConverter))]
public sealed record AuditRecordBody(long Id, AuditRecord Record);
