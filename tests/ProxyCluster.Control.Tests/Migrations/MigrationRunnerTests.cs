using System.Net;
using System.Net.Sockets;
using Npgsql;
using ProxyCluster.Control.Migrations;
using ProxyCluster.Control.Tests.Fixtures;

namespace ProxyCluster.Control.Tests.Migrations;

public sealed class MigrationRunnerTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task MigrateAsync_FreshDatabase_CreatesSchemaTablesAndRecordsEveryVersion()
    {
        await using var db = await postgres.NewStoreAsync("control");

        var report = await db.Store.MigrateAsync();

        Assert.Equal(0, report.FromVersion);
        Assert.Equal(MigrationRunner.LatestVersion, report.ToVersion);
        Assert.Equal(Enumerable.Range(1, MigrationRunner.LatestVersion), report.Applied);
        Assert.Equal(3, await db.ScalarAsync<long>(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'control' AND table_name IN ('token_events', 'nodes', 'audit_records')"));
        Assert.Equal("0001:token_journal,0002:nodes,0003:audit,0004:audit_parameters", await db.ScalarAsync<string>(
            "SELECT string_agg(lpad(version::text, 4, '0') || ':' || name, ',' ORDER BY version) FROM control.schema_migrations"));
    }

    [Fact]
    public async Task MigrateAsync_SecondRun_ChangesNothing()
    {
        await using var db = await postgres.NewStoreAsync();
        await db.Store.MigrateAsync();
        var appliedAt = await db.ScalarAsync<DateTime>("SELECT max(applied_at) FROM proxycluster.schema_migrations");

        var report = await db.Store.MigrateAsync();

        Assert.Empty(report.Applied);
        Assert.Equal(MigrationRunner.LatestVersion, report.FromVersion);
        Assert.Equal(appliedAt, await db.ScalarAsync<DateTime>("SELECT max(applied_at) FROM proxycluster.schema_migrations"));
    }

    [Fact]
    public async Task MigrateAsync_FiveConcurrentRuns_ApplyEachScriptExactlyOnce()
    {
        await using var db = await postgres.NewStoreAsync();

        // Separate stores on one data source, as five nodes starting together would be.
        var reports = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => new ControlStore(db.DataSource).MigrateAsync())));

        Assert.Equal(Enumerable.Range(1, MigrationRunner.LatestVersion), reports.SelectMany(r => r.Applied).Order());
        Assert.All(reports, r => Assert.Equal(MigrationRunner.LatestVersion, r.ToVersion));
        Assert.Equal(MigrationRunner.LatestVersion, await db.ScalarAsync<long>("SELECT count(*) FROM proxycluster.schema_migrations"));
    }

    [Fact]
    public async Task MigrateAsync_NewerRecordedVersion_IsRefusedAndChangesNothing()
    {
        await using var db = await postgres.NewStoreAsync();
        await db.Store.MigrateAsync();
        var newer = MigrationRunner.LatestVersion + 7;
        await db.ExecuteAsync($"INSERT INTO proxycluster.schema_migrations (version, name) VALUES ({newer}, 'from_the_future')");

        var refused = await Assert.ThrowsAsync<ControlStoreVersionException>(() => db.Store.MigrateAsync());

        Assert.Equal(newer, refused.RecordedVersion);
        Assert.Equal(MigrationRunner.LatestVersion, refused.KnownVersion);
        Assert.Contains("upgrade this node", refused.Message, StringComparison.Ordinal);
        Assert.Equal(MigrationRunner.LatestVersion + 1, await db.ScalarAsync<long>("SELECT count(*) FROM proxycluster.schema_migrations"));
    }

    [Fact]
    public async Task MigrateAsync_TwoSchemasInOneDatabase_AreIndependent()
    {
        await using var db = await postgres.NewStoreAsync("blue");
        var green = new ControlStore(db.DataSource, "green");

        await db.Store.MigrateAsync();
        var report = await green.MigrateAsync();

        Assert.Equal(Enumerable.Range(1, MigrationRunner.LatestVersion), report.Applied);
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname IN ('blue', 'green')"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Proxy")]
    [InlineData("9lives")]
    [InlineData("a-b")]
    [InlineData("x\"; DROP TABLE users; --")]
    [InlineData("pg_catalog")]
    [InlineData("information_schema")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    public async Task ControlStore_SchemaNotAPlainLowerCaseIdentifier_IsRejected(string schema)
    {
        await using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1");

        var rejected = Assert.Throws<ArgumentException>(() => new ControlStore(dataSource, schema));

        Assert.Equal("schema", rejected.ParamName);
    }

    [Theory]
    [InlineData("proxycluster")]
    [InlineData("_x")]
    [InlineData("a23456789012345678901234567890123456789012345678901234567890123")]
    public void IsValidSchemaName_PlainLowerCaseIdentifier_IsAccepted(string schema) =>
        Assert.True(ControlStore.IsValidSchemaName(schema));

    [Fact]
    public async Task MigrateAsync_NothingListening_ThrowsUnavailableNamingHostPortWithoutPassword()
    {
        const string password = "s3cret-Pa55word";
        var port = ClosedLoopbackPort();
        await using var dataSource = NpgsqlDataSource.Create(
            $"Host=127.0.0.1;Port={port};Database=ctl;Username=proxycluster;Password={password};Timeout=3");
        var store = new ControlStore(dataSource);

        var unavailable = await Assert.ThrowsAsync<ControlStoreUnavailableException>(() => store.MigrateAsync());

        Assert.StartsWith($"the control store at 127.0.0.1:{port}/ctl is unreachable: ", unavailable.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(password, unavailable.ToString(), StringComparison.Ordinal);
        Assert.Equal($"127.0.0.1:{port}/ctl", store.Endpoint);
    }

    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
