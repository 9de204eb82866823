namespace ProxyCluster.Audit.Tests.Support;

/// <summary>Audit records for tests; the session id carries a sequence number so order can be checked.</summary>
internal static class Records
{
    public static readonly DateTimeOffset Time = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.FromHours(2)).AddTicks(1_234_560);

    public static StatementAuditRecord Statement(int sequence) => new()
    {
        Time = Time,
        NodeId = "node-1",
        SessionId = sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
        TokenId = "abc123def456",
        Principal = "svc-billing",
        ClientAddress = "10.0.0.7:51234",
        Database = "orders",
        StatementKinds = ["select"],
        Relations = [new AuditRelation("public.orders", "read")],
        Decision = AuditDecision.Allow,
        Rule = "read-orders",
        DurationMicroseconds = 250,
        Rows = 1,
        NormalizedQuery = "SELECT * FROM orders WHERE id = $1",
        Fingerprint = "0a1b2c3d4e5f6789",
    };

    public static int SequenceOf(AuditRecord record) => int.Parse(record.SessionId, System.Globalization.CultureInfo.InvariantCulture);

    public static int[] Sequences(IEnumerable<AuditRecord> records) => records.Select(SequenceOf).ToArray();

    public static int[] Range(int start, int count) => Enumerable.Range(start, count).ToArray();
}
