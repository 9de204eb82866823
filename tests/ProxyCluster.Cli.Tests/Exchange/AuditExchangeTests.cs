using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ProxyCluster.Cli.Tests.Exchange;

public sealed class AuditExchangeTests : ExchangeTestBase
{
    private const string LongQuery =
        "SELECT o.id, o.total, c.name\n  FROM sales.orders o\n  JOIN sales.customers c ON c.id = o.customer_id\n WHERE o.placed_at > $1 AND c.region = $2";

    [Fact]
    public async Task Search_EveryFilter_BuildsTheQueryStringAndSendsTheBearer()
    {
        Node.On("GET", "/v1/audit", _ => new ScriptedReply(500, "{}"));
        const string Expected =
            "/v1/audit?token=abcdefghij12&table=sales.orders&decision=deny&type=statement" +
            "&since=2030-01-02T02%3A04%3A05Z&until=2030-01-02T03%3A00%3A00.5Z&limit=5";
        Node.On("GET", Expected, 200, Answer(lastId: null));

        var run = await RunAsync(
            "audit", "search", "--token", "pct_" + Id, "--table", "sales.orders", "--decision", "deny", "--type", "statement",
            "--since", "1h", "--until", "2030-01-02T04:00:00.5+01:00", "--limit", "5");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal(Expected, Node.SingleRequest.PathAndQuery);
        Assert.Equal("GET", Node.SingleRequest.Method);
        Assert.Equal($"Bearer {AdminToken}", Node.SingleRequest.Authorization);
        Assert.Equal("No audit records match.\n", run.Output);
    }

    [Fact]
    public async Task Search_NoFilter_AsksForTheDefaultLimitAndEscapesValues()
    {
        Node.On("GET", "/v1/audit?table=%22Odd%20Name%22.t%26x&limit=100", 200, Answer(null));

        var run = await RunAsync("audit", "search", "--table", "\"Odd Name\".t&x");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal("/v1/audit?table=%22Odd%20Name%22.t%26x&limit=100", Node.SingleRequest.PathAndQuery);
    }

    [Fact]
    public async Task Search_Records_PrintsATableNewestFirstWithQueriesOnOneLineAndCut()
    {
        Node.On("GET", "/v1/audit?limit=3", 200, Answer(8, Allowed(8), Refused(7), Denied(6)));

        var run = await RunAsync("audit", "search", "--limit", "3");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal(
            "TIME                      NODE    SESSION  TOKEN         PRINCIPAL    TYPE       DECISION/EVENT  SQLSTATE  ROWS  DURATION  QUERY/REASON\n" +
            "2030-01-02T03:04:08.000Z  node-1  1-7      abcdefghij12  billing-svc  statement  allow           -         3     1.5ms     SELECT o.id, o.total, c.name FROM sales.orders o JOIN sales.customers c ON c....\n" +
            "2030-01-02T03:04:06.000Z  node-2  2-1      -             -            session    refused         28P01     -     -         authentication failed\n" +
            "2030-01-02T03:04:05.123Z  node-1  1-7      abcdefghij12  billing-svc  statement  deny            42501     -     850us     SELECT * FROM hr.salaries WHERE id = $1 (hr tables are off limits)\n",
            run.Output);
        Assert.Equal("proxyctl: showing the newest 3; there may be more: narrow the search or raise --limit.\n", run.Error);
    }

    [Fact]
    public async Task Search_Json_PrintsOneRecordPerLineAsTheNodeSentIt()
    {
        Node.On("GET", "/v1/audit?decision=deny&limit=100", 200, Answer(7, Refused(7), Denied(6)));

        var run = await RunAsync("audit", "search", "--decision", "deny", "--json");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal(Refused(7).ToJsonString(), lines[0]);
        Assert.Equal(Denied(6).ToJsonString(), lines[1]);
        Assert.All(lines, line => Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(line).RootElement.ValueKind));
        Assert.Equal("", run.Error);
    }

    [Theory]
    [InlineData(400, "invalid", "this node has no control store; its audit goes to its audit file", ExitCodes.Usage)]
    [InlineData(503, "unavailable", "cannot search the audit trail: the control store at db:5432/proxycluster is unreachable", ExitCodes.Unavailable)]
    [InlineData(401, "unauthorized", "missing or wrong admin token", ExitCodes.Unauthorized)]
    public async Task Search_NodeRefuses_ExitsWithItsCodeAndItsMessage(int status, string code, string message, int exitCode)
    {
        Node.On("GET", "/v1/audit?limit=100", status, NodeJson.Error(code, message));

        var run = await RunAsync("audit", "search");

        Assert.Equal(exitCode, run.ExitCode);
        Assert.StartsWith($"proxyctl: {message}", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public async Task Search_SinceNotBeforeUntil_IsRefusedWithoutAsking()
    {
        var run = await RunAsync("audit", "search", "--since", "1h", "--until", "2h");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal("proxyctl: --since must be before --until.\n", run.Error);
        Assert.Empty(Node.Requests);
    }

    [Fact]
    public async Task Tail_LastRecords_OldestFirst()
    {
        Node.On("GET", $"/v1/audit?token={Id}&limit=20", 200, Answer(8, Allowed(8), Denied(6)));

        var run = await RunAsync("audit", "tail", "--token", Id, "--json");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal([6, 8], run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(RecordId));
        Assert.Equal($"Bearer {AdminToken}", Node.SingleRequest.Authorization);
    }

    [Fact]
    public async Task Tail_Empty_SaysSo()
    {
        Node.On("GET", "/v1/audit?limit=20", 200, Answer(null));

        var run = await RunAsync("audit", "tail");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal("No audit records yet.\n", run.Output);
    }

    [Fact]
    public async Task TailFollow_PollsAfterTheLastIdAndStopsOnCancellation()
    {
        using var stop = new CancellationTokenSource();
        Node.On("GET", "/v1/audit?limit=2", 200, Answer(7, Refused(7), Denied(6)));
        Node.On("GET", "/v1/audit?after=7&limit=1000", 200, Answer(8, Allowed(8)));
        Node.On("GET", "/v1/audit?after=8&limit=1000", _ =>
        {
            stop.Cancel(); // as Ctrl-C would, while the poll is under way
            return new ScriptedReply(200, Answer(8));
        });

        var run = await RunWithCancellationAsync(stop.Token, "audit", "tail", "--limit", "2", "--follow");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal(
            ["/v1/audit?limit=2", "/v1/audit?after=7&limit=1000", "/v1/audit?after=8&limit=1000"],
            Node.Requests.Select(r => r.PathAndQuery).Distinct());
        Assert.All(Node.Requests, r => Assert.Equal($"Bearer {AdminToken}", r.Authorization));
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("TIME ", lines[0], StringComparison.Ordinal);
        Assert.Contains(" deny ", lines[1], StringComparison.Ordinal);
        Assert.Contains(" refused ", lines[2], StringComparison.Ordinal);
        Assert.Contains(" allow ", lines[3], StringComparison.Ordinal);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task TailFollow_NodeUnavailableForAWhile_WarnsOnceAndCarriesOn()
    {
        using var stop = new CancellationTokenSource();
        var polls = 0;
        Node.On("GET", "/v1/audit?limit=20", 200, Answer(null));
        Node.On("GET", "/v1/audit?after=0&limit=1000", _ => Interlocked.Increment(ref polls) switch
        {
            <= 2 => new ScriptedReply(503, NodeJson.Error("unavailable", "the control store is unreachable")),
            3 => new ScriptedReply(200, Answer(6, Denied(6))),
            _ => new ScriptedReply(500, "{}"),
        });
        Node.On("GET", "/v1/audit?after=6&limit=1000", _ =>
        {
            stop.Cancel();
            return new ScriptedReply(200, Answer(6));
        });

        var run = await RunWithCancellationAsync(stop.Token, "audit", "tail", "--follow", "--json");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal(
            "proxyctl: warning: the control store is unreachable; still trying.\nproxyctl: the audit trail can be read again.\n",
            run.Error);
        Assert.Equal([6], run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(RecordId));
    }

    [Fact]
    public async Task TailFollow_NodeRefuses_StopsWithItsExitCode()
    {
        Node.On("GET", "/v1/audit?limit=20", 200, Answer(3, Denied(3)));
        Node.On("GET", "/v1/audit?after=3&limit=1000", 401, NodeJson.Error("unauthorized", "missing or wrong admin token"));

        var run = await RunWithCancellationAsync(CancellationToken.None, "audit", "tail", "-f");

        Assert.Equal(ExitCodes.Unauthorized, run.ExitCode);
        Assert.StartsWith("proxyctl: missing or wrong admin token", run.Error, StringComparison.Ordinal);
    }

    /// <summary>Runs proxyctl as Program does, with a cancellation the test controls, and at most 15 s.</summary>
    private async Task<CliRun> RunWithCancellationAsync(CancellationToken cancellation, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var clock = Stopwatch.StartNew();
        var exitCode = await ProxyCtl.RunAsync(args, Environment.Environment, output, error, cancellation).WaitAsync(TimeSpan.FromSeconds(15));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15));
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    private static long RecordId(string jsonLine) => JsonDocument.Parse(jsonLine).RootElement.GetProperty("id").GetInt64();

    private static string Answer(long? lastId, params JsonObject[] records) =>
        new JsonObject { ["records"] = new JsonArray([.. records]), ["last_id"] = lastId }.ToJsonString();

    private static JsonObject Denied(long id) => new()
    {
        ["id"] = id,
        ["type"] = "statement",
        ["time"] = "2030-01-02T03:04:05.123456Z",
        ["node_id"] = "node-1",
        ["session_id"] = "1-7",
        ["token_id"] = "abcdefghij12",
        ["principal"] = "billing-svc",
        ["client_address"] = "10.1.2.3:50000",
        ["database"] = "sales",
        ["statement_kinds"] = new JsonArray("select"),
        ["relations"] = new JsonArray(new JsonObject { ["name"] = "hr.salaries", ["access"] = "read" }),
        ["decision"] = "deny",
        ["rule"] = "deny-hr",
        ["reason"] = "hr tables are off limits",
        ["duration_microseconds"] = 850,
        ["sql_state"] = "42501",
        ["normalized_query"] = "SELECT * FROM hr.salaries WHERE id = $1",
        ["fingerprint"] = "a1b2c3d4",
    };

    private static JsonObject Refused(long id) => new()
    {
        ["id"] = id,
        ["type"] = "session",
        ["time"] = "2030-01-02T03:04:06Z",
        ["node_id"] = "node-2",
        ["session_id"] = "2-1",
        ["event"] = "refused",
        ["client_address"] = "[::1]:40000",
        ["reason"] = "authentication failed",
        ["sql_state"] = "28P01",
    };

    private static JsonObject Allowed(long id) => new()
    {
        ["id"] = id,
        ["type"] = "statement",
        ["time"] = "2030-01-02T03:04:08Z",
        ["node_id"] = "node-1",
        ["session_id"] = "1-7",
        ["token_id"] = "abcdefghij12",
        ["principal"] = "billing-svc",
        ["client_address"] = "10.1.2.3:50000",
        ["database"] = "sales",
        ["statement_kinds"] = new JsonArray("select"),
        ["relations"] = new JsonArray(),
        ["decision"] = "allow",
        ["rule"] = "read-sales",
        ["duration_microseconds"] = 1500,
        ["rows"] = 3,
        ["normalized_query"] = LongQuery,
    };
}
