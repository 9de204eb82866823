using System.Buffers;
using System.Text;
using System.Text.Json;
using ProxyCluster.Audit.Tests.Support;

namespace ProxyCluster.Audit.Tests;

public sealed class AuditJsonTests
{
    private const string StatementLine =
        """{"type":"statement","time":"2025-03-04T03:06:07.123456Z","node_id":"node-1","session_id":"42","token_id":"abc123def456","principal":"svc-billing","client_address":"10.0.0.7:51234","database":"orders","statement_kinds":["select","update"],"relations":[{"name":"public.orders","access":"read"},{"name":"public.audit","access":"insert|update"}],"decision":"deny","rule":"deny-writes","reason":"update on public.audit is not allowed","duration_microseconds":1234,"rows":0,"sql_state":"42501","normalized_query":"SELECT * FROM orders WHERE id = $1 AND note <> $2; UPDATE audit SET x = $3","fingerprint":"0a1b2c3d4e5f6789"}""";

    private const string SessionLine =
        """{"type":"session","time":"2025-03-04T03:06:07.89Z","node_id":"node-1","session_id":"42","event":"refused","auth_method":"scram-plus","client_address":"10.0.0.7:51234","database":"orders","reason":"token revoked","sql_state":"28P01"}""";

    private static readonly StatementAuditRecord Statement = new()
    {
        Time = Records.Time,
        NodeId = "node-1",
        SessionId = "42",
        TokenId = "abc123def456",
        Principal = "svc-billing",
        ClientAddress = "10.0.0.7:51234",
        Database = "orders",
        StatementKinds = ["select", "update"],
        Relations = [new AuditRelation("public.orders", "read"), new AuditRelation("public.audit", "insert|update")],
        Decision = AuditDecision.Deny,
        Rule = "deny-writes",
        Reason = "update on public.audit is not allowed",
        DurationMicroseconds = 1234,
        Rows = 0,
        SqlState = "42501",
        NormalizedQuery = "SELECT * FROM orders WHERE id = $1 AND note <> $2; UPDATE audit SET x = $3",
        Fingerprint = "0a1b2c3d4e5f6789",
    };

    private static readonly SessionAuditRecord Refused = new()
    {
        Time = new DateTimeOffset(2025, 3, 4, 5, 6, 7, 890, TimeSpan.FromHours(2)),
        NodeId = "node-1",
        SessionId = "42",
        Event = SessionAuditEvent.Refused,
        AuthMethod = AuditAuthMethod.ScramPlus,
        ClientAddress = "10.0.0.7:51234",
        Database = "orders",
        Reason = "token revoked",
        SqlState = "28P01",
    };

    [Fact]
    public void WriteLine_StatementRecord_MatchesGoldenLine()
    {
        Assert.Equal(StatementLine + "\n", WriteLine(Statement));
    }

    [Fact]
    public void WriteLine_SessionRecord_MatchesGoldenLine()
    {
        Assert.Equal(SessionLine + "\n", WriteLine(Refused));
    }

    [Fact]
    public void WriteLine_AbsentOptionalFields_AreLeftOut()
    {
        var connected = new SessionAuditRecord
        {
            Time = new DateTimeOffset(2025, 3, 4, 3, 6, 7, TimeSpan.Zero),
            NodeId = "node-2",
            SessionId = "7",
            Event = SessionAuditEvent.Connected,
            ClientAddress = "[::1]:5000",
        };

        Assert.Equal(
            """{"type":"session","time":"2025-03-04T03:06:07Z","node_id":"node-2","session_id":"7","event":"connected","client_address":"[::1]:5000"}""" + "\n",
            WriteLine(connected));
    }

    [Theory]
    [InlineData(AuditAuthMethod.Scram, "scram")]
    [InlineData(AuditAuthMethod.ScramPlus, "scram-plus")]
    [InlineData(AuditAuthMethod.Cleartext, "cleartext")]
    [InlineData(AuditAuthMethod.Certificate, "certificate")]
    [InlineData(AuditAuthMethod.Jwt, "jwt")]
    public void WriteLine_AuthMethod_UsesItsWireName(AuditAuthMethod method, string expected)
    {
        var line = WriteLine(Refused with { AuthMethod = method });

        Assert.Contains($"\"auth_method\":\"{expected}\"", line, StringComparison.Ordinal);
        Assert.Equal(method, ((SessionAuditRecord)AuditJson.ReadLine(Encoding.UTF8.GetBytes(line.TrimEnd('\n')))).AuthMethod);
    }

    [Fact]
    public void WriteLine_QuotesBackslashesAndNewlines_AreEscapedOnOneLine()
    {
        var record = Refused with { Reason = "he said \"no\"\\\nthen left", Database = "zoë<db>" };

        var line = WriteLine(record);

        Assert.Contains("""
            "database":"zoë<db>","reason":"he said \"no\"\\\nthen left"
            """, line, StringComparison.Ordinal);
        Assert.Equal(line.Length - 1, line.IndexOf('\n', StringComparison.Ordinal));
    }

    [Fact]
    public void ReadLine_GoldenLines_WriteBackIdentically()
    {
        foreach (var golden in new[] { StatementLine, SessionLine })
        {
            var record = AuditJson.ReadLine(Encoding.UTF8.GetBytes(golden));

            Assert.Equal(golden + "\n", WriteLine(record));
        }
    }

    [Fact]
    public void ReadLine_StatementLine_RestoresEveryField()
    {
        var record = Assert.IsType<StatementAuditRecord>(AuditJson.ReadLine(Encoding.UTF8.GetBytes(StatementLine)));

        Assert.Equal(Statement.Time, record.Time);
        Assert.Equal(["select", "update"], record.StatementKinds);
        Assert.Equal(Statement.Relations, record.Relations);
        Assert.Equal(Statement with { StatementKinds = record.StatementKinds, Relations = record.Relations }, record);
    }

    [Fact]
    public void ReadLine_SplitAcrossSegments_ReadsTheSameRecord()
    {
        var bytes = Encoding.UTF8.GetBytes(SessionLine);
        var sequence = Protocol.Tests.Segments.Of(bytes[..(bytes.Length / 2)], bytes[(bytes.Length / 2)..]);

        Assert.Equal(Refused, AuditJson.ReadLine(sequence));
    }

    [Theory]
    [InlineData("""{"type":"login","time":"2025-03-04T03:06:07Z"}""")]
    [InlineData("""{"type":"session","time":"2025-03-04T03:06:07Z","node_id":"n","session_id":"1","event":"exploded","client_address":"a"}""")]
    [InlineData("""{"type":"session","node_id":"n","session_id":"1","event":"connected","client_address":"a"}""")]
    [InlineData("""{"type":"statement","time":"2025-03-04T03:06:07Z","node_id":"n","session_id":"1"}""")]
    [InlineData("""[1,2,3]""")]
    [InlineData("""{"type":"session","time":""")]
    public void ReadLine_NotAnAuditRecord_ThrowsJsonException(string line)
    {
        Assert.ThrowsAny<JsonException>(() => AuditJson.ReadLine(Encoding.UTF8.GetBytes(line)));
    }

    [Fact]
    public void WriteLine_Parameters_AreWrittenAfterTheFingerprint_AndReadBack()
    {
        var withValues = Statement with
        {
            Parameters = [new AuditParameter("42"), new AuditParameter("0a0b", Binary: true), AuditParameter.Null, new AuditParameter("ab\"c", Truncated: true), AuditParameter.Unseen],
        };

        var line = WriteLine(withValues);

        Assert.EndsWith(
            "\"fingerprint\":\"0a1b2c3d4e5f6789\",\"parameters\":[{\"value\":\"42\"},{\"value\":\"0a0b\",\"format\":\"binary\"},{\"value\":null},{\"value\":\"ab\\\"c\",\"truncated\":true},{\"value\":null,\"truncated\":true}]}\n",
            line);
        var read = Assert.IsType<StatementAuditRecord>(AuditJson.ReadLine(Encoding.UTF8.GetBytes(line.TrimEnd('\n'))));
        Assert.Equal(withValues.Parameters, read.Parameters);
        Assert.Equal(line, WriteLine(read));
    }

    [Fact]
    public void WriteLine_WithoutParameters_HasNoParametersField()
    {
        Assert.DoesNotContain("parameters", WriteLine(Statement), StringComparison.Ordinal);
        var read = Assert.IsType<StatementAuditRecord>(AuditJson.ReadLine(Encoding.UTF8.GetBytes(StatementLine)));
        Assert.Null(read.Parameters);
    }

    [Fact]
    public void ParameterJson_ForTheColumn_RoundTrips()
    {
        AuditParameter[] parameters = [new AuditParameter("x"), AuditParameter.Null];

        var json = AuditParameterJson.ToJson(parameters);

        Assert.Equal("""[{"value":"x"},{"value":null}]""", json);
        Assert.Equal(parameters, AuditParameterJson.Parse(json));
        Assert.Throws<JsonException>(() => AuditParameterJson.Parse("""{"value":"x"}"""));
    }

    private static string WriteLine(AuditRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>();
        AuditJson.WriteLine(record, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
