using ProxyCluster.Audit;
using ProxyCluster.Control.Audit;
using ProxyCluster.Control.Tests.Fixtures;

namespace ProxyCluster.Control.Tests.Audit;

public sealed class AuditQueriesTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string Other = "tok000000002";

    [Fact]
    public async Task SearchAsync_NoFilter_NewestFirstByTimeUpToTheLimit()
    {
        await using var db = await MigratedAsync();
        // Written out of time order, as a spilled batch delivered late would be.
        await WriteAsync(db, AuditRecords.Statement(3), AuditRecords.Statement(1), AuditRecords.Session(4), AuditRecords.Statement(2));

        var all = await SearchAsync(db, new AuditSearch());
        var two = await SearchAsync(db, new AuditSearch { Limit = 2 });

        Assert.Equal(["2-4", "1-3", "1-2", "1-1"], Sessions(all));
        Assert.Equal(["2-4", "1-3"], Sessions(two));
    }

    [Fact]
    public async Task SearchAsync_Token_OnlyThatTokensRecords()
    {
        await using var db = await MigratedAsync();
        await WriteAsync(db, AuditRecords.Statement(1), AuditRecords.Statement(2, tokenId: Other), AuditRecords.Session(3), AuditRecords.Session(4, tokenId: Other));

        Assert.Equal(["2-4", "1-2"], Sessions(await SearchAsync(db, new AuditSearch { TokenId = Other })));
        Assert.Empty(await SearchAsync(db, new AuditSearch { TokenId = "tok000000009" }));
    }

    [Fact]
    public async Task SearchAsync_Table_QualifiedBareAndCaseInsensitive()
    {
        await using var db = await MigratedAsync();
        await WriteAsync(
            db,
            AuditRecords.Statement(1, relations: [new AuditRelation("sales.orders", "read")]),
            AuditRecords.Statement(2, relations: [new AuditRelation("orders", "read")]), // unqualified in the query
            AuditRecords.Statement(3, relations: [new AuditRelation("hr.orders", "insert")]),
            AuditRecords.Statement(4, relations: [new AuditRelation("sales.customers", "read"), new AuditRelation("sales.orders", "update")]),
            AuditRecords.Statement(5, relations: [new AuditRelation("sales.order_lines", "read")]),
            AuditRecords.Statement(6, relations: []),
            AuditRecords.Session(7));

        Assert.Equal(["1-4", "1-2", "1-1"], Sessions(await SearchAsync(db, new AuditSearch { Table = "sales.orders" })));
        Assert.Equal(["1-4", "1-2", "1-1"], Sessions(await SearchAsync(db, new AuditSearch { Table = "SALES.Orders" })));
        Assert.Equal(["1-4", "1-3", "1-2", "1-1"], Sessions(await SearchAsync(db, new AuditSearch { Table = "orders" })));
        Assert.Equal(["1-3", "1-2"], Sessions(await SearchAsync(db, new AuditSearch { Table = "hr.orders" })));
        Assert.Equal(["1-4"], Sessions(await SearchAsync(db, new AuditSearch { Table = "customers" })));
        Assert.Empty(await SearchAsync(db, new AuditSearch { Table = "hr.customers" }));
        Assert.Empty(await SearchAsync(db, new AuditSearch { Table = "order" }));
    }

    [Fact]
    public async Task SearchAsync_Table_CanUseTheRelationKeyIndex()
    {
        await using var db = await MigratedAsync();

        var plan = await db.ScalarAsync<string>(
            "SET enable_seqscan = off; " +
            "EXPLAIN (FORMAT JSON) SELECT id FROM proxycluster.audit_records WHERE proxycluster.audit_relation_keys(relations) @> ARRAY[lower('orders')]");

        Assert.Contains("audit_records_relation_keys", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchAsync_DecisionAndType_Filter()
    {
        await using var db = await MigratedAsync();
        await WriteAsync(db, AuditRecords.Statement(1), AuditRecords.Statement(2, decision: AuditDecision.Deny), AuditRecords.Session(3), AuditRecords.Statement(4, decision: AuditDecision.Deny));

        Assert.Equal(["1-4", "1-2"], Sessions(await SearchAsync(db, new AuditSearch { Decision = AuditDecision.Deny })));
        Assert.Equal(["1-1"], Sessions(await SearchAsync(db, new AuditSearch { Decision = AuditDecision.Allow })));
        Assert.Equal(["2-3"], Sessions(await SearchAsync(db, new AuditSearch { Type = AuditRecordType.Session })));
        Assert.Equal(["1-4", "1-2", "1-1"], Sessions(await SearchAsync(db, new AuditSearch { Type = AuditRecordType.Statement })));
        Assert.Equal(["1-2"], Sessions(await SearchAsync(db, new AuditSearch { Decision = AuditDecision.Deny, Until = AuditRecords.Start.AddSeconds(3) })));
    }

    [Fact]
    public async Task SearchAsync_TimeRange_SinceIncludedUntilExcluded()
    {
        await using var db = await MigratedAsync();
        await WriteAsync(db, [.. Enumerable.Range(1, 5).Select(n => AuditRecords.Statement(n))]);

        var range = await SearchAsync(db, new AuditSearch { Since = AuditRecords.Start.AddSeconds(2), Until = AuditRecords.Start.AddSeconds(4) });
        var since = await SearchAsync(db, new AuditSearch { Since = AuditRecords.Start.AddSeconds(4).ToOffset(TimeSpan.FromHours(-5)) });

        Assert.Equal(["1-3", "1-2"], Sessions(range));
        Assert.Equal(["1-5", "1-4"], Sessions(since));
    }

    [Fact]
    public async Task SearchAsync_AfterId_OldestFirstAfterItWhateverTheTimes()
    {
        await using var db = await MigratedAsync();
        await WriteAsync(db, AuditRecords.Statement(5), AuditRecords.Statement(1), AuditRecords.Statement(3), AuditRecords.Statement(2, tokenId: Other), AuditRecords.Statement(4));
        var ids = (await SearchAsync(db, new AuditSearch { AfterId = 0 })).Select(r => r.Id).ToArray();

        var after = await SearchAsync(db, new AuditSearch { AfterId = ids[1] });
        var afterLimited = await SearchAsync(db, new AuditSearch { AfterId = ids[1], Limit = 2 });
        var afterForToken = await SearchAsync(db, new AuditSearch { AfterId = ids[0], TokenId = Other });

        Assert.Equal(["1-5", "1-1", "1-3", "1-2", "1-4"], Sessions(await SearchAsync(db, new AuditSearch { AfterId = 0 })));
        Assert.Equal(["1-3", "1-2", "1-4"], Sessions(after));
        Assert.Equal(ids[2..], after.Select(r => r.Id));
        Assert.Equal(["1-3", "1-2"], Sessions(afterLimited));
        Assert.Equal(["1-2"], Sessions(afterForToken));
        Assert.Empty(await SearchAsync(db, new AuditSearch { AfterId = ids[^1] }));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task SearchAsync_LimitOutOfRange_Throws(int limit)
    {
        await using var db = await MigratedAsync();

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => SearchAsync(db, new AuditSearch { Limit = limit }));

        Assert.Contains("limit must be between 1 and 1000", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".orders")]
    [InlineData("sales.")]
    [InlineData("sales..orders")]
    public void Validate_BadTable_SaysWhatATableIs(string table) =>
        Assert.StartsWith("table must be a table or schema.table", new AuditSearch { Table = table }.Validate(), StringComparison.Ordinal);

    [Fact]
    public void Validate_SinceNotBeforeUntil_IsRefused() =>
        Assert.Equal("since must be before until", new AuditSearch { Since = AuditRecords.Start, Until = AuditRecords.Start }.Validate());

    private static async Task WriteAsync(TestStore db, params AuditRecord[] records) =>
        await new ControlStoreAuditSink(db.Store).WriteAsync(records, CancellationToken.None);

    private static Task<IReadOnlyList<StoredAuditRecord>> SearchAsync(TestStore db, AuditSearch search) =>
        new AuditQueries(db.Store).SearchAsync(search);

    private static string[] Sessions(IEnumerable<StoredAuditRecord> records) => [.. records.Select(r => r.Record.SessionId)];

    private async Task<TestStore> MigratedAsync()
    {
        var db = await postgres.NewStoreAsync();
        await db.Store.MigrateAsync();
        return db;
    }
}
