using System.Text.Json.Nodes;

namespace ProxyCluster.Cli.Tests.Exchange;

public sealed class SessionAndClusterExchangeTests : ExchangeTestBase
{
    [Fact]
    public async Task SessionList_Sessions_PrintsTableAndWarnsAboutUnreachableNodes()
    {
        Node.On("GET", "/v1/sessions", 200, new JsonObject
        {
            ["sessions"] = new JsonArray(Session("1-7", "node-1", "sales"), Session("2-13", "node-2", "hr")),
            ["unreachable_nodes"] = new JsonArray("node-3"),
        }.ToJsonString());

        var run = await RunAsync("session", "list");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal(
            "ID    NODE    TOKEN         PRINCIPAL    DATABASE  CLIENT          STARTED\n" +
            "1-7   node-1  abcdefghij12  billing-svc  sales     10.1.2.3:50000  2030-01-02T03:00:00Z\n" +
            "2-13  node-2  abcdefghij12  billing-svc  hr        10.1.2.3:50000  2030-01-02T03:00:00Z\n",
            run.Output);
        Assert.Contains("node-3", run.Error, StringComparison.Ordinal);
        Assert.StartsWith("proxyctl: warning:", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionList_Local_AsksForThisNodeOnly()
    {
        Node.On("GET", "/v1/sessions?local=true", 200, """{"sessions":[],"unreachable_nodes":[]}""");

        var run = await RunAsync("session", "list", "--local");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal("/v1/sessions?local=true", Node.SingleRequest.PathAndQuery);
        Assert.Equal("No sessions.\n", run.Output);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task SessionKill_Forwarded_PostsReasonAndReportsTheSession()
    {
        Node.On("POST", "/v1/sessions/2-13/kill", 200, new JsonObject { ["session"] = Session("2-13", "node-2", "hr") }.ToJsonString());

        var run = await RunAsync("session", "kill", "2-13", "--reason", "runaway query");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal($"Bearer {AdminToken}", Node.SingleRequest.Authorization);
        Assert.Equal("runaway query", Node.SingleRequest.Json.GetProperty("reason").GetString());
        Assert.Equal("Killed session 2-13 (billing-svc on hr, node node-2).\n", run.Output);
    }

    [Fact]
    public async Task SessionKill_OwningNodeUnreachable_ExitsUnavailable()
    {
        Node.On("POST", "/v1/sessions/2-13/kill", 503, NodeJson.Error("unavailable", "node-2 cannot be reached"));

        var run = await RunAsync("session", "kill", "2-13");

        Assert.Equal(ExitCodes.Unavailable, run.ExitCode);
        Assert.Equal("proxyctl: node-2 cannot be reached\n", run.Error);
        Assert.False(Node.SingleRequest.Json.TryGetProperty("reason", out _));
    }

    [Fact]
    public async Task ClusterShow_Members_PrintsSummaryAndTable()
    {
        Node.On("GET", "/v1/cluster", 200, new JsonObject
        {
            ["self"] = "node-1",
            ["control_store"] = "connected",
            ["members"] = new JsonArray(
                Member("node-1", 1, "up", "http://127.0.0.1:7101"),
                Member("node-2", 2, "unreachable", null)),
        }.ToJsonString());

        var run = await RunAsync("cluster", "show");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal(
            "Answered by node-1; control store connected.\n" +
            "\n" +
            "NODE    ORDINAL  STATE        POSTGRES        ADMIN                  VERSION  STARTED               HEARTBEAT             JOURNAL\n" +
            "node-1  1        up           127.0.0.1:6432  http://127.0.0.1:7101  1.0.0    2030-01-02T00:00:00Z  2030-01-02T03:04:00Z  42\n" +
            "node-2  2        unreachable  127.0.0.1:6432  -                      1.0.0    2030-01-02T00:00:00Z  2030-01-02T03:04:00Z  42\n",
            run.Output);
    }

    [Fact]
    public async Task ClusterShow_Json_PrintsTheNodesAnswer()
    {
        const string answer = """{"self":"node-1","control_store":"none","members":[]}""";
        Node.On("GET", "/v1/cluster", 200, answer);

        var run = await RunAsync("cluster", "show", "--json");

        Assert.Equal(answer + "\n", run.Output);
    }

    private static JsonObject Session(string id, string node, string database) => new()
    {
        ["id"] = id,
        ["node_id"] = node,
        ["token_id"] = Id,
        ["principal"] = "billing-svc",
        ["database"] = database,
        ["client_address"] = "10.1.2.3:50000",
        ["started_at"] = "2030-01-02T03:00:00.5+00:00",
    };

    private static JsonObject Member(string node, int ordinal, string state, string? adminUrl) => new()
    {
        ["node_id"] = node,
        ["ordinal"] = ordinal,
        ["postgres_addresses"] = new JsonArray("127.0.0.1:6432"),
        ["admin_url"] = adminUrl,
        ["version"] = "1.0.0",
        ["started_at"] = "2030-01-02T00:00:00Z",
        ["last_heartbeat"] = "2030-01-02T03:04:00Z",
        ["journal_position"] = 42,
        ["state"] = state,
    };
}
