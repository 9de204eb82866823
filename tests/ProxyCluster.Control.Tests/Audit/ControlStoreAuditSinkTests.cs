using Npgsql;
using ProxyCluster.Audit;
using ProxyCluster.Control.Audit;
using ProxyCluster.Control.Tests.Fixtures;
using ProxyCluster.IntegrationTests.Fixtures;

namespace ProxyCluster.Control.Tests.Audit;

public sealed class ControlStoreAuditSinkTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task WriteAsync_EveryField_ReadsBackTheSameRecords()
    {
        await using var db = await MigratedAsync();
        AuditRecord[] written =
        [
            AuditRecords.Statement(1) with
            {
                // Written with an offset, read back in UTC: the same instant, the same JSON line.
                Time = AuditRecords.Start.ToOffset(TimeSpan.FromHours(2)),
                StatementKinds = ["select", "insert"],
                Relations = [new AuditRelation("sales.orders", "read"), new AuditRelation("\"Mixed\".Case", "insert|update")],
                NormalizedQuery = "SELECT 'ünïcödé', \"a\"\"b\" FROM t WHERE x < $1\n  AND y = $2",
            },
            AuditRecords.Statement(2, decision: AuditDecision.Deny),
            AuditRecords.Statement(8) with
            {
                Parameters = [new AuditParameter("42"), new AuditParameter("00ff", Binary: true), AuditParameter.Null, new AuditParameter("ünï", Truncated: true), AuditParameter.Unseen],
            },
            // Nulls everywhere a statement allows them, and empty arrays.
            AuditRecords.Statement(3) with
            {
                StatementKinds = [],
                Relations = [],
                Rule = null,
                Reason = null,
                DurationMicroseconds = null,
                Rows = null,
                SqlState = null,
                NormalizedQuery = null,
                Fingerprint = null,
            },
            AuditRecords.Session(4),
            AuditRecords.Session(5, SessionAuditEvent.Refused, tokenId: null),
            AuditRecords.Session(6, SessionAuditEvent.Terminated) with { AuthMethod = AuditAuthMethod.Jwt, Database = null },
            AuditRecords.Session(7, SessionAuditEvent.Connected, tokenId: null) with { Database = null },
        ];
        var sink = new ControlStoreAuditSink(db.Store);

        await sink.WriteAsync(written, CancellationToken.None);
        var read = await new AuditQueries(db.Store).SearchAsync(new AuditSearch { AfterId = 0 });

        Assert.Equal("control-store", sink.Name);
        Assert.Equal(written.Select(AuditRecords.Line), read.Select(r => AuditRecords.Line(r.Record)));
        Assert.Equal(read.Select(r => r.Id).Order(), read.Select(r => r.Id));
        Assert.Equal(AuditRecords.Start, read[0].Record.Time);
        Assert.Equal(TimeSpan.Zero, read[0].Record.Time.Offset);
    }

    [Fact]
    public async Task WriteAsync_Columns_HoldNullsArraysAndJsonAsPostgresTypes()
    {
        await using var db = await MigratedAsync();
        var sink = new ControlStoreAuditSink(db.Store);

        await sink.WriteAsync([AuditRecords.Statement(1) with { StatementKinds = ["select", "insert"] }, AuditRecords.Session(2)], CancellationToken.None);

        Assert.Equal("{select,insert}|public.orders|read|1500|3|allow", await db.ScalarAsync<string>(
            "SELECT concat_ws('|', statement_kinds::text, relations -> 0 ->> 'name', relations -> 0 ->> 'access', duration_us, rows, decision) " +
            "FROM proxycluster.audit_records WHERE type = 'statement'"));
        Assert.Equal(
            "event=authenticated auth=scram-plus nulls=10",
            await db.ScalarAsync<string>(
                "SELECT format('event=%s auth=%s nulls=%s', event, auth_method, num_nulls(statement_kinds, relations, decision, rule, " +
                "duration_us, rows, normalized_query, fingerprint, sqlstate, parameters)) FROM proxycluster.audit_records WHERE type = 'session'"));
        Assert.True(await db.ScalarAsync<bool>("SELECT parameters IS NULL FROM proxycluster.audit_records WHERE type = 'statement'"));
    }

    [Fact]
    public async Task WriteAsync_Parameters_AreAJsonbArrayOfValues()
    {
        await using var db = await MigratedAsync();
        var sink = new ControlStoreAuditSink(db.Store);

        await sink.WriteAsync([AuditRecords.Statement(1) with { Parameters = [new AuditParameter("7"), AuditParameter.Null, new AuditParameter("ff", Binary: true)] }], CancellationToken.None);

        Assert.Equal("3|7|t|binary", await db.ScalarAsync<string>(
            "SELECT concat_ws('|', jsonb_array_length(parameters), parameters -> 0 ->> 'value', parameters -> 1 -> 'value' = 'null'::jsonb, parameters -> 2 ->> 'format') " +
            "FROM proxycluster.audit_records"));
    }

    [Fact]
    public async Task WriteAsync_OneRecordPostgresRefuses_StoresNoneOfTheBatch()
    {
        await using var db = await MigratedAsync();
        var sink = new ControlStoreAuditSink(db.Store);

        // PostgreSQL text cannot hold NUL: the COPY fails on the second row, and the first must not stay either.
        var refused = await Assert.ThrowsAsync<PostgresException>(async () =>
            await sink.WriteAsync([AuditRecords.Statement(1), AuditRecords.Statement(2) with { NodeId = "bad\0node" }], CancellationToken.None));

        Assert.Equal("22021", refused.SqlState);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM proxycluster.audit_records"));
        await sink.WriteAsync([AuditRecords.Statement(3)], CancellationToken.None);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM proxycluster.audit_records"));
    }

    [Fact]
    public async Task WriteAsync_ServerGone_ThrowsUnavailableWithoutPassword()
    {
        var server = await PostgresServer.StartAsync();
        await using var db = await TestStore.CreateAsync(server, "gone", ControlStore.DefaultSchema);
        await db.Store.MigrateAsync();
        var sink = new ControlStoreAuditSink(db.Store);
        await sink.WriteAsync([AuditRecords.Statement(1)], CancellationToken.None);

        await server.DisposeAsync();
        var unavailable = await Assert.ThrowsAsync<ControlStoreUnavailableException>(async () =>
            await sink.WriteAsync([AuditRecords.Statement(2)], CancellationToken.None));

        Assert.StartsWith($"the control store at 127.0.0.1:{server.Port}/gone is unreachable: ", unavailable.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(server.SuperUserPassword, unavailable.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_DatabaseClosedToConnections_ThrowsUnavailable()
    {
        await using var db = await MigratedAsync();
        var sink = new ControlStoreAuditSink(db.Store);
        await sink.WriteAsync([AuditRecords.Statement(1)], CancellationToken.None);

        await using var blocked = await StoreBlock.CloseAsync(db);
        await Assert.ThrowsAsync<ControlStoreUnavailableException>(async () => await sink.WriteAsync([AuditRecords.Statement(2)], CancellationToken.None));
        await Assert.ThrowsAsync<ControlStoreUnavailableException>(() => new AuditQueries(db.Store).SearchAsync(new AuditSearch()));
    }

    private async Task<TestStore> MigratedAsync()
    {
        var db = await postgres.NewStoreAsync();
        await db.Store.MigrateAsync();
        return db;
    }
}
