using System.Buffers;
using System.Text;
using ProxyCluster.Audit;

namespace ProxyCluster.Control.Tests.Audit;

/// <summary>Audit records for the tests, at times PostgreSQL keeps exactly (whole microseconds).</summary>
internal static class AuditRecords
{
    public static readonly DateTimeOffset Start = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_560);

    public static StatementAuditRecord Statement(
        int n,
        string tokenId = "tok000000001",
        AuditDecision decision = AuditDecision.Allow,
        IReadOnlyList<AuditRelation>? relations = null,
        DateTimeOffset? time = null) => new()
    {
        Time = time ?? Start.AddSeconds(n),
        NodeId = "node-1",
        SessionId = "1-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture),
        TokenId = tokenId,
        Principal = "billing-svc",
        ClientAddress = "10.1.2.3:50000",
        Database = "sales",
        StatementKinds = ["select"],
        Relations = relations ?? [new AuditRelation("public.orders", "read")],
        Decision = decision,
        Rule = decision == AuditDecision.Allow ? "read-sales" : "deny-hr",
        Reason = decision == AuditDecision.Deny ? "hr tables are off limits" : null,
        DurationMicroseconds = decision == AuditDecision.Allow ? 1500 : null,
        Rows = decision == AuditDecision.Allow ? 3 : null,
        SqlState = decision == AuditDecision.Deny ? "42501" : null,
        NormalizedQuery = "SELECT * FROM orders WHERE id = $1",
        Fingerprint = "a1b2c3d4e5f60718",
    };

    public static SessionAuditRecord Session(int n, SessionAuditEvent @event = SessionAuditEvent.Authenticated, string? tokenId = "tok000000001") => new()
    {
        Time = Start.AddSeconds(n),
        NodeId = "node-2",
        SessionId = "2-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Event = @event,
        TokenId = tokenId,
        Principal = tokenId is null ? null : "billing-svc",
        AuthMethod = tokenId is null ? null : AuditAuthMethod.ScramPlus,
        ClientAddress = "[::1]:40000",
        Database = "sales",
        Reason = @event is SessionAuditEvent.Refused or SessionAuditEvent.Terminated ? "token revoked" : null,
        SqlState = @event is SessionAuditEvent.Refused ? "28P01" : null,
    };

    /// <summary>The record as the JSON-lines sink writes it: every field, so two equal lines mean two equal records.</summary>
    public static string Line(AuditRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>();
        AuditJson.WriteLine(record, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
