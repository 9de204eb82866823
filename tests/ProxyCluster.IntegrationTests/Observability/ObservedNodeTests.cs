using System.Text;
using Npgsql;
using ProxyCluster.IntegrationTests.Fixtures;
using ProxyCluster.Node.Tests.Otlp;

namespace ProxyCluster.IntegrationTests.Observability;

/// <summary>
/// The audit trail and metrics of one node with every output on (<see cref="ObservedNodeFixture"/>).
/// "Who touched what, never a secret", end to end: full sessions with SCRAM, a token as a cleartext password over
/// TLS and a JWT over TLS run statements holding literal secrets (and a prepared statement bound to one); then
/// every byte the node wrote — logs at debug level, the audit file, the control store's audit table, /metrics and
/// the OTLP exports — holds the expected records and none of the tokens, passwords, keys or literals. And the
/// control store stopping mid-run: records wait on disk and arrive, once each, when it is back.
/// </summary>
public sealed class ObservedNodeTests(ObservedNodeFixture fixture) : IClassFixture<ObservedNodeFixture>
{
    [Fact]
    public async Task EverySinkHasTheRecords_AndNoSinkHasASecret()
    {
        var literal = $"literal-secret-{Guid.NewGuid():N}";
        var number = Random.Shared.Next(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var bound = $"bound-secret-{Guid.NewGuid():N}";
        using var admin = fixture.Admin();
        var writer = await admin.CreateTokenAsync("observed-writer", route: ObservedNodeFixture.AppDatabase);
        var reader = await admin.CreateTokenAsync("observed-reader", route: ObservedNodeFixture.AppDatabase, policy: "read-only");
        var jwt = fixture.Idp.Issue("observed-jwt", jti: Guid.NewGuid().ToString("N"));
        var wrong = $"pct_{writer.Id}_wrong{Guid.NewGuid():N}";

        // SCRAM on the plain listener, with a literal, a number and a prepared statement bound to a secret.
        await using (var connection = await ObservedNodeFixture.OpenAsync(fixture.Plain(writer.User, writer.Token)))
        {
            await ObservedNodeFixture.ScalarAsync(connection, $"SELECT '{literal}' AS x, {number} AS n");
            await using var prepared = new NpgsqlCommand("SELECT count(*) FROM users WHERE name <> @name", connection);
            prepared.Parameters.AddWithValue("name", bound);
            await prepared.PrepareAsync();
            Assert.Equal(2L, await prepared.ExecuteScalarAsync());
        }

        // The token as a cleartext password under another user name, over TLS (verify-full: no TLS, no session); one
        // statement denied.
        await using (var connection = await ObservedNodeFixture.OpenAsync(fixture.OverTls("reader-service", reader.Token)))
        {
            await ObservedNodeFixture.ScalarAsync(connection, $"SELECT count(*) FROM users WHERE name <> '{literal}'");
            var denied = await Assert.ThrowsAsync<PostgresException>(() => ObservedNodeFixture.ScalarAsync(connection, $"DELETE FROM users WHERE name = '{literal}'"));
            Assert.Equal("42501", denied.SqlState);
        }

        // A JWT as the password over TLS.
        await using (var connection = await ObservedNodeFixture.OpenAsync(fixture.OverTls("jwt-service", jwt)))
        {
            await ObservedNodeFixture.ScalarAsync(connection, $"SELECT '{literal}' AS via_jwt");
        }

        // A wrong secret for a real token id: refused, and the refusal audited without it.
        await using (var refused = new NpgsqlConnection(fixture.Plain(writer.User, wrong).ConnectionString))
        {
            Assert.Equal("28P01", (await Assert.ThrowsAsync<PostgresException>(() => refused.OpenAsync())).SqlState);
        }

        // Every session's end is in the table and the file; an OTLP export taken after them has the statement counts.
        var principals = "'observed-writer', 'observed-reader', 'observed-jwt'";
        await Eventually.TrueAsync(
            async () => await fixture.ControlScalarAsync<long>(
                $"SELECT count(*) FROM {ObservedNodeFixture.ControlSchema}.audit_records WHERE event = 'terminated' AND principal IN ({principals})") == 3,
            "the three sessions' ends reach the audit table",
            TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(async () => (await File.ReadAllTextAsync(fixture.AuditFile)).Contains("\"SELECT $1 AS via_jwt\"", StringComparison.Ordinal), "the audit file has the JWT session's statement");
        var exported = await fixture.Otlp.WaitForAsync(
            m => m.Find("proxycluster_statements")?.Points.Any(p => p.Attributes.GetValueOrDefault("kind") == "delete" && p.Attributes.GetValueOrDefault("decision") == "deny" && p.AsInt >= 1) == true,
            TimeSpan.FromSeconds(20));

        var table = await fixture.AuditTableTextAsync();
        var file = await File.ReadAllTextAsync(fixture.AuditFile);
        foreach (var trail in new[] { table, file })
        {
            Assert.Contains("SELECT $1 AS x, $2 AS n", trail, StringComparison.Ordinal);
            Assert.Contains("SELECT count(*) FROM users WHERE name <> $1", trail, StringComparison.Ordinal);
            Assert.Contains("DELETE FROM users WHERE name = $1", trail, StringComparison.Ordinal);
            Assert.Contains("SELECT $1 AS via_jwt", trail, StringComparison.Ordinal);
            foreach (var method in new[] { "scram", "cleartext", "jwt" })
            {
                Assert.Contains(method, trail, StringComparison.Ordinal);
            }
        }

        Assert.True(
            await fixture.ControlScalarAsync<long>(
                $"SELECT count(*) FROM {ObservedNodeFixture.ControlSchema}.audit_records WHERE event = 'refused' AND token_id = '{writer.Id}' AND sqlstate = '28P01'") >= 1,
            "the refused login is in the table");

        var metrics = await MetricsScrape.TextAsync(fixture.AdminUrl);
        Assert.Contains("proxycluster_statements_total{kind=\"delete\",decision=\"deny\"}", metrics, StringComparison.Ordinal);

        // The denial above, counted in an export; every export carries the key, and their bytes are searched too.
        List<OtlpReceiver.Received> exports = [exported, .. fixture.Otlp.Drain()];
        Assert.All(exports, e => Assert.Equal(fixture.OtlpApiKey, e.Headers["x-api-key"]));
        Assert.Equal("observed-node", exported.Metrics.Resource["service.instance.id"]);
        var otlp = string.Join('\n', exports.Select(e => Encoding.Latin1.GetString(e.Body)));

        var everything = string.Join('\n', fixture.Logs.Lines) + '\n' + file + '\n' + table + '\n' + metrics + '\n' + otlp;
        string[] secrets =
        [
            writer.Token, reader.Token, SecretOf(writer), SecretOf(reader), wrong, jwt, jwt.Split('.')[2],
            literal, number, bound, .. fixture.ConfiguredSecrets,
        ];
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }

    private static string SecretOf(TestToken token) => token.Token[(token.Token.LastIndexOf('_') + 1)..];

    [Fact]
    public async Task ControlStoreStopsMidRun_RecordsSpillAndArriveOnceEachWhenItIsBack()
    {
        using var admin = fixture.Admin();
        var token = await admin.CreateTokenAsync("observed-outage", route: ObservedNodeFixture.AppDatabase);
        await using var connection = await ObservedNodeFixture.OpenAsync(fixture.Plain(token.User, token.Token));
        await ObservedNodeFixture.ScalarAsync(connection, "SELECT 1 AS before_outage");
        await Eventually.TrueAsync(async () => await StoredAsync(token.Id, "before_outage") == 1, "the first record is in the table");
        var spilledBefore = await fixture.MetricAsync("proxycluster_audit_spilled_total");

        await fixture.ControlServer.StopAsync();
        try
        {
            // Sessions do not depend on the control store: the statement runs, and its record waits on disk.
            Assert.Equal(1, await ObservedNodeFixture.ScalarAsync(connection, "SELECT 1 AS during_outage"));
            await Eventually.TrueAsync(async () => await fixture.MetricAsync("proxycluster_audit_spilled_total") > spilledBefore, "the record is spilled", TimeSpan.FromSeconds(20));
        }
        finally
        {
            await fixture.ControlServer.RestartAsync();
        }

        await ObservedNodeFixture.ScalarAsync(connection, "SELECT 1 AS after_outage");
        await Eventually.TrueAsync(
            async () => await StoredAsync(token.Id, "during_outage") == 1 && await StoredAsync(token.Id, "after_outage") == 1,
            "the spilled record and the next arrive",
            TimeSpan.FromSeconds(30));
        Assert.Equal(1, await StoredAsync(token.Id, "before_outage"));
        Assert.True(await fixture.MetricAsync("proxycluster_audit_redelivered_total") > 0);
        Assert.Equal(0, await fixture.MetricAsync("proxycluster_audit_lost_total"));
        Assert.Equal(0, await fixture.MetricAsync("proxycluster_audit_dropped_total"));
    }

    private Task<long> StoredAsync(string tokenId, string alias) =>
        fixture.ControlScalarAsync<long>(
            $"SELECT count(*) FROM {ObservedNodeFixture.ControlSchema}.audit_records WHERE token_id = '{tokenId}' AND normalized_query = 'SELECT $1 AS {alias}'");
}
