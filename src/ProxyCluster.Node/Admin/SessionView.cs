using System.Globalization;
using System.Text.Json.Serialization;
using ProxyCluster.Sessions.Lifecycle;

namespace ProxyCluster.Node.Admin;

/// <summary>A live session as the admin API shows it. Its id, <c>&lt;node ordinal&gt;-&lt;n&gt;</c>, says which node owns it.</summary>
public sealed record SessionView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("node_id")] string NodeId,
    [property: JsonPropertyName("token_id")] string TokenId,
    [property: JsonPropertyName("principal")] string Principal,
    [property: JsonPropertyName("database")] string Database,
    [property: JsonPropertyName("client_address")] string ClientAddress,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt)
{
    public static SessionView From(SessionHandle session, string nodeId, int nodeOrdinal) =>
        new(FormatId(nodeOrdinal, session.Id), nodeId, session.TokenId, session.Principal, session.Database, session.ClientAddress, session.StartedAt);

    public static string FormatId(int nodeOrdinal, long localId) =>
        string.Create(CultureInfo.InvariantCulture, $"{nodeOrdinal}-{localId}");

    /// <summary>Splits a cluster-wide session id into the owning node's ordinal and its local id.</summary>
    public static bool TryParseId(string id, out int nodeOrdinal, out long localId)
    {
        nodeOrdinal = 0;
        localId = 0;
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 &&
            int.TryParse(id.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out nodeOrdinal) &&
            long.TryParse(id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out localId);
    }
}
