using System.Text.Json;
using Npgsql;
using ProxyCluster.IntegrationTests.Fixtures;

namespace ProxyCluster.IntegrationTests.Observability;

/// <summary>
/// Who touched what, and never a secret: full sessions (SCRAM, and the token as a cleartext password) run
/// statements holding literal "secrets"; the audit file then has the expected records, and no byte the node wrote
/// (logs, audit file, metrics) contains a token secret, the upstream password or a literal.
/// </summary>
[Collection(ProxyCollection.Name)]
public sealed class AuditTrailTests(ProxyFixture fixture)
{
    [Fact]
    public async Task Sessions_AreAuditedWithNormalizedQueries_AndNothingSecretIsWrittenAnywhere()
    {
        var literal = $"literal-secret-{Guid.NewGuid():N}";
        var number = Random.Shared.Next(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var writer = fixture.AddToken("audited-writer");
        var reader = fixture.AddToken("audited-reader", policy: "users-reader");

        // SCRAM on the SCRAM-only listener.
        var scram = new NpgsqlConnectionStringBuilder(fixture.ConnectionString(writer, port: fixture.ScramOnlyPort));
        await using (var connection = new NpgsqlConnection(scram.ConnectionString))
        {
            await connection.OpenAsync();
            await using var select = new NpgsqlCommand($"SELECT '{literal}' AS x, {number} AS n", connection);
            await select.ExecuteScalarAsync();
            await using var insert = new NpgsqlCommand($"INSERT INTO orders (user_id, amount) VALUES (1, {number})", connection);
            await insert.ExecuteNonQueryAsync();
        }

        // The token as a cleartext password under any user name (development listener), and a denied statement.
        var cleartext = new NpgsqlConnectionStringBuilder(fixture.ConnectionString(reader)) { Username = "reader-service" };
        await using (var connection = new NpgsqlConnection(cleartext.ConnectionString))
        {
            await connection.OpenAsync();
            await using var denied = new NpgsqlCommand($"DELETE FROM users WHERE name = '{literal}'", connection);
            var error = await Assert.ThrowsAsync<PostgresException>(() => denied.ExecuteNonQueryAsync());
            Assert.Equal("42501", error.SqlState);
        }

        // A JWT from the identity provider, with a literal of its own.
        var jwt = fixture.Idp.Issue("audited-jwt", jti: Guid.NewGuid().ToString("N"));
        var jwtLogin = new NpgsqlConnectionStringBuilder(fixture.ConnectionString()) { Username = "jwt-service", Password = jwt };
        await using (var connection = new NpgsqlConnection(jwtLogin.ConnectionString))
        {
            await connection.OpenAsync();
            await using var select = new NpgsqlCommand($"SELECT '{literal}' AS via_jwt", connection);
            await select.ExecuteScalarAsync();
        }

        var records = await ReadAuditAsync(r => r.GetProperty("token_id").GetString() == reader.Id && Text(r, "event") == "terminated", writer, reader);
        await Eventually.TrueAsync(async () => (await File.ReadAllTextAsync(fixture.AuditFile)).Contains("\"SELECT $1 AS via_jwt\"", StringComparison.Ordinal), "the JWT session's statement is audited");
        var auditText = await File.ReadAllTextAsync(fixture.AuditFile);
        Assert.Contains("\"principal\":\"audited-jwt\",\"auth_method\":\"jwt\"", auditText, StringComparison.Ordinal);

        var selectRecord = Single(records, writer.Id, "SELECT $1 AS x, $2 AS n", "allow");
        Assert.Equal(["select"], selectRecord.GetProperty("statement_kinds").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(1, selectRecord.GetProperty("rows").GetInt64());
        Assert.True(selectRecord.GetProperty("duration_microseconds").GetInt64() > 0);
        Assert.False(string.IsNullOrEmpty(Text(selectRecord, "fingerprint")));

        var insertRecord = Single(records, writer.Id, "INSERT INTO orders (user_id, amount) VALUES ($1, $2)", "allow");
        Assert.Equal(1, insertRecord.GetProperty("rows").GetInt64());
        // Unrestricted does not resolve names against search_path, so the relation is as written.
        Assert.Contains(insertRecord.GetProperty("relations").EnumerateArray(), r => Text(r, "name") is "orders" or "public.orders" && Text(r, "access") == "insert");

        var deniedRecord = Single(records, reader.Id, "DELETE FROM users WHERE name = $1", "deny");
        Assert.Equal("42501", Text(deniedRecord, "sql_state"));
        Assert.Contains(deniedRecord.GetProperty("relations").EnumerateArray(), r => Text(r, "name") == "public.users");
        Assert.Contains("users-reader", Text(deniedRecord, "reason"), StringComparison.Ordinal);

        Assert.Contains(records, r => Text(r, "type") == "session" && Text(r, "event") == "authenticated" && Text(r, "auth_method") == "scram" && Text(r, "token_id") == writer.Id);
        Assert.Contains(records, r => Text(r, "type") == "session" && Text(r, "event") == "authenticated" && Text(r, "auth_method") == "cleartext" && Text(r, "token_id") == reader.Id);

        var metrics = await MetricsScrape.TextAsync(fixture.AdminUrl);
        Assert.Contains("proxycluster_statements_total{kind=\"delete\",decision=\"deny\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("proxycluster_authentications_total{method=\"scram-sha-256\",result=\"ok\"}", metrics, StringComparison.Ordinal);

        var everything = string.Join('\n', fixture.Logs.Lines) + '\n' + await File.ReadAllTextAsync(fixture.AuditFile) + '\n' + metrics;
        foreach (var secret in new[] { writer.Token, reader.Token, Secret(writer), Secret(reader), jwt, jwt.Split('.')[2], fixture.UpstreamPassword, literal, number })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task PreparedStatement_EachExecutionIsAudited_WithItsRows()
    {
        var token = fixture.AddToken("audited-prepared");
        await using (var connection = await fixture.OpenAsync(token))
        {
            await using var command = new NpgsqlCommand("SELECT name FROM users WHERE id <= @n", connection);
            command.Parameters.AddWithValue("n", 0);
            await command.PrepareAsync(); // Parse once, in its own round; then Bind/Execute/Sync per run
            foreach (var n in new[] { 1, 2, 2 })
            {
                command.Parameters["n"].Value = n;
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                }
            }
        }

        var records = await ReadAuditAsync(r => Text(r, "event") == "terminated", token);
        var executions = records.Where(r => Text(r, "type") == "statement" && Text(r, "normalized_query") == "SELECT name FROM users WHERE id <= $1").ToList();
        Assert.True(executions.Count == 3, string.Join('\n', records));
        Assert.Equal([1L, 2L, 2L], executions.Select(r => r.GetProperty("rows").GetInt64()));
        Assert.All(executions, r => Assert.Equal("allow", Text(r, "decision")));
        Assert.All(executions, r => Assert.False(r.TryGetProperty("parameters", out _), "this route does not record values"));
    }

    [Fact]
    public async Task PreparedStatement_OnARouteThatAsksForValues_IsAuditedWithThem_AndOnlyThere()
    {
        var token = fixture.AddToken("audited-values");
        var secret = $"value-secret-{Guid.NewGuid():N}";
        var audited = new NpgsqlConnectionStringBuilder(fixture.ConnectionString(token, ProxyFixture.ValuesAuditedDatabase));
        await using (var connection = new NpgsqlConnection(audited.ConnectionString))
        {
            await connection.OpenAsync();

            // Npgsql sends each value in binary and names its type in Parse; the record shows it as PostgreSQL prints it.
            await using var command = new NpgsqlCommand("SELECT name FROM users WHERE id <= @n AND name <> @s AND @b IS NOT NULL AND @missing IS NULL", connection);
            command.Parameters.AddWithValue("n", 2);
            command.Parameters.AddWithValue("s", secret);
            command.Parameters.AddWithValue("b", new byte[] { 0xca, 0xfe });
            command.Parameters.AddWithValue("missing", NpgsqlTypes.NpgsqlDbType.Text, DBNull.Value);
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                }
            }

            // A long value is cut at the recording limit and says so.
            await using var longValue = new NpgsqlCommand("SELECT length(@v)", connection);
            longValue.Parameters.AddWithValue("v", new string('z', 5000));
            Assert.Equal(5000, await longValue.ExecuteScalarAsync());
        }

        // The same statement on the ordinary route: no values.
        await using (var connection = await fixture.OpenAsync(token))
        {
            await using var command = new NpgsqlCommand("SELECT length(@v)", connection);
            command.Parameters.AddWithValue("v", secret);
            await command.ExecuteScalarAsync();
        }

        var records = await ReadAuditAsync(r => Text(r, "event") == "terminated" && Text(r, "database") == ProxyFixture.AppDatabase, token);
        var select = records.Single(r => Text(r, "type") == "statement" && Text(r, "normalized_query")!.StartsWith("SELECT name FROM users", StringComparison.Ordinal));
        var values = select.GetProperty("parameters").EnumerateArray().ToList();
        Assert.Equal(4, values.Count);
        Assert.Equal("2", Text(values[0], "value"));
        Assert.Equal(secret, Text(values[1], "value"));
        Assert.Equal("cafe", Text(values[2], "value"));
        Assert.Equal("binary", Text(values[2], "format"));
        Assert.Equal(JsonValueKind.Null, values[3].GetProperty("value").ValueKind);

        var lengths = records.Where(r => Text(r, "type") == "statement" && Text(r, "normalized_query") == "SELECT length($1)").ToList();
        Assert.Equal(2, lengths.Count);
        var cut = Assert.Single(lengths.Single(r => Text(r, "database") == ProxyFixture.ValuesAuditedDatabase).GetProperty("parameters").EnumerateArray());
        Assert.Equal(new string('z', 256), Text(cut, "value"));
        Assert.True(cut.GetProperty("truncated").GetBoolean());
        Assert.False(lengths.Single(r => Text(r, "database") == ProxyFixture.AppDatabase).TryGetProperty("parameters", out _));
    }

    [Fact]
    public async Task ErrorTooLongToReadWhole_IsStillTheFailedStatementsResult()
    {
        var token = fixture.AddToken("audited-long-error");
        await using (var connection = await fixture.OpenAsync(token))
        {
            // The server quotes the whole 20 kB input in its message: the ErrorResponse streams through unread.
            await using var failing = new NpgsqlCommand("SELECT repeat('x', 20000)::int AS long_error", connection);
            var error = await Assert.ThrowsAsync<PostgresException>(() => failing.ExecuteScalarAsync());
            Assert.Equal("22P02", error.SqlState);
            Assert.True(error.MessageText.Length > 16 * 1024);

            await using var after = new NpgsqlCommand("SELECT 1 AS after_long_error", connection);
            Assert.Equal(1, await after.ExecuteScalarAsync());
        }

        var records = await ReadAuditAsync(r => Text(r, "event") == "terminated", token);
        var failed = records.Single(r => Text(r, "normalized_query") == "SELECT repeat($1, $2)::int AS long_error");
        Assert.Equal("22P02", Text(failed, "sql_state"));
        var next = records.Single(r => Text(r, "normalized_query") == "SELECT $1 AS after_long_error");
        Assert.False(next.TryGetProperty("sql_state", out _));
        Assert.Equal(1, next.GetProperty("rows").GetInt64());
    }

    [Fact]
    public async Task FailedAuthentication_IsAuditedWithItsReasonButNotThePassword()
    {
        var token = fixture.AddToken("audited-refusal");
        var wrong = $"pct_{token.Id}_wrong{Guid.NewGuid():N}";
        var builder = new NpgsqlConnectionStringBuilder(fixture.ConnectionString(token)) { Password = wrong };
        await using (var connection = new NpgsqlConnection(builder.ConnectionString))
        {
            await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());
        }

        var records = await ReadAuditAsync(r => Text(r, "event") == "refused" && Text(r, "token_id") == token.Id, token);
        // Npgsql tries twice (with and without GSS encryption); each attempt is one refusal.
        var refused = records.First(r => Text(r, "event") == "refused" && Text(r, "token_id") == token.Id);
        Assert.Equal("28P01", Text(refused, "sql_state"));
        Assert.Equal("scram", Text(refused, "auth_method"));
        Assert.False(string.IsNullOrEmpty(Text(refused, "reason")));
        Assert.DoesNotContain(wrong, await File.ReadAllTextAsync(fixture.AuditFile), StringComparison.Ordinal);
    }

    private async Task<List<JsonElement>> ReadAuditAsync(Func<JsonElement, bool> last, params TestToken[] tokens)
    {
        var ids = tokens.Select(t => t.Id).ToHashSet();
        List<JsonElement> records = [];
        await Eventually.TrueAsync(async () =>
        {
            records = [];
            if (!File.Exists(fixture.AuditFile))
            {
                return false;
            }

            foreach (var line in await File.ReadAllLinesAsync(fixture.AuditFile))
            {
                var record = JsonDocument.Parse(line).RootElement;
                if (record.TryGetProperty("token_id", out var id) && ids.Contains(id.GetString()!))
                {
                    records.Add(record);
                }
            }

            return records.Any(last);
        }, "the audit records are written");
        return records;
    }

    private static JsonElement Single(List<JsonElement> records, string tokenId, string normalizedQuery, string decision)
    {
        var matching = records.Where(r => Text(r, "type") == "statement" && Text(r, "token_id") == tokenId && Text(r, "decision") == decision
            && Text(r, "normalized_query") == normalizedQuery).ToList();
        Assert.True(matching.Count == 1, $"expected one {decision} record of {tokenId} for {normalizedQuery}, got:\n{string.Join('\n', records)}");
        return matching[0];
    }

    private static string? Text(JsonElement record, string name) =>
        record.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The secret part of a token, without its public id.</summary>
    private static string Secret(TestToken token) => token.Token[(token.Token.LastIndexOf('_') + 1)..];
}
