using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProxyCluster.Cli.Admin;

/// <summary>
/// <c>GET /v1/audit</c>. Records stay JSON as the node wrote them: <c>--json</c> prints each one unchanged, and the
/// table reads what it shows through <see cref="AuditRecordView"/>.
/// </summary>
internal sealed record AuditSearchResponse
{
    [JsonPropertyName("records")]
    public IReadOnlyList<JsonElement> Records { get; init; } = [];

    /// <summary>The cursor to follow from: the highest id answered, else the <c>after</c> asked for.</summary>
    [JsonPropertyName("last_id")]
    public long? LastId { get; init; }
}
