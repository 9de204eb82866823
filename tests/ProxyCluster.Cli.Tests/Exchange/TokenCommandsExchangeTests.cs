using System.Text.Json.Nodes;
using ProxyCluster.Tokens;

namespace ProxyCluster.Cli.Tests.Exchange;

public sealed class TokenCommandsExchangeTests : ExchangeTestBase
{
    private static readonly byte[] SaltBytes = Convert.FromBase64String(NodeJson.Salt);

    [Theory]
    [InlineData(Id)]
    [InlineData("pct_" + Id)]
    public async Task Show_IdOrUserName_GetsTheBareIdAndPrintsFieldsInUtc(string argument)
    {
        Node.On("GET", $"/v1/tokens/{Id}", 200, NodeJson.Token(
            Id, status: "revoked", routes: ["sales"], expiresAt: "2030-02-01T01:00:00+01:00",
            endedAt: "2030-01-01T12:00:00Z", endedBy: "alice", endReason: "leaked").ToJsonString());

        var run = await RunAsync("token", "show", argument);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal("GET", Node.SingleRequest.Method);
        Assert.Equal($"Bearer {AdminToken}", Node.SingleRequest.Authorization);
        Assert.Contains($"id          {Id}\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("expires     2030-02-01T00:00:00Z\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("issued      2030-01-01T10:00:00Z by admin-api\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("ended       2030-01-01T12:00:00Z by alice\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("end reason  leaked\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("secrets     current\n", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(NodeJson.Salt, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_Json_PrintsTheNodesAnswerOnOneLine()
    {
        var view = NodeJson.Token(Id);
        Node.On("GET", $"/v1/tokens/{Id}", 200, view.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));

        var run = await RunAsync("--json", "token", "show", Id);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.True(JsonNode.DeepEquals(view, JsonNode.Parse(run.Output)));
        Assert.Single(run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task List_Default_PrintsEveryTokenAsAnAlignedTable()
    {
        ScriptList();

        var run = await RunAsync("token", "list");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(
            "ID            PRINCIPAL    POLICY        ROUTES    STATUS   EXPIRES               ISSUED\n" +
            "aaaaaaaaaaaa  billing-svc  unrestricted  sales,hr  active   2030-03-01T00:00:00Z  2030-01-01T10:00:00Z\n" +
            "bbbbbbbbbbbb  billing-svc  unrestricted  *         revoked  -                     2030-01-01T10:00:00Z\n",
            run.Output);
    }

    [Fact]
    public async Task List_StatusFilter_KeepsOnlyThatStatusInTableAndJson()
    {
        ScriptList();

        var table = await RunAsync("token", "list", "--status", "revoked");
        var json = await RunAsync("token", "list", "--status", "revoked", "--json");

        Assert.DoesNotContain("aaaaaaaaaaaa", table.Output, StringComparison.Ordinal);
        Assert.Contains("bbbbbbbbbbbb", table.Output, StringComparison.Ordinal);
        var tokens = SingleJsonLine(json).GetProperty("tokens");
        Assert.Equal("bbbbbbbbbbbb", Assert.Single(tokens.EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task List_NoTokens_SaysSo()
    {
        Node.On("GET", "/v1/tokens", 200, """{"tokens":[]}""");

        var run = await RunAsync("token", "list");

        Assert.Equal("No tokens.\n", run.Output);
    }

    [Fact]
    public async Task Revoke_Committed_PostsTheReasonAndExitsZero()
    {
        Node.On("POST", $"/v1/tokens/{Id}/revoke", 200, RevokeAnswer(alreadyRevoked: false));

        var run = await RunAsync("token", "revoke", "pct_" + Id, "--reason", "leaked in CI");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var request = Node.SingleRequest;
        Assert.Equal("POST", request.Method);
        Assert.Equal($"Bearer {AdminToken}", request.Authorization);
        Assert.Equal("leaked in CI", request.Json.GetProperty("reason").GetString());
        Assert.StartsWith($"Revoked token {Id}", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JwtRevoke_PostsIssuerJtiAndReason_ExitsZeroOnceCommitted()
    {
        Node.On("POST", "/v1/jwt/revoke", 200, RevokeAnswer(alreadyRevoked: false));

        var run = await RunAsync("jwt", "revoke", "--issuer", "https://idp.example", "--jti", "8f3a", "--reason", "stolen");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var request = Node.SingleRequest;
        Assert.Equal("https://idp.example", request.Json.GetProperty("issuer").GetString());
        Assert.Equal("8f3a", request.Json.GetProperty("jti").GetString());
        Assert.Equal("stolen", request.Json.GetProperty("reason").GetString());
        Assert.False(request.Json.TryGetProperty("subject", out _));
        Assert.StartsWith("Revoked the JWT", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JwtRevoke_NeitherJtiNorSubject_IsAUsageErrorWithoutAsking()
    {
        var run = await RunAsync("jwt", "revoke", "--issuer", "https://idp.example", "--reason", "stolen");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Empty(Node.Requests);
    }

    [Fact]
    public async Task Revoke_AlreadyRevoked_ExitsZeroAndSaysSo()
    {
        Node.On("POST", $"/v1/tokens/{Id}/revoke", 200, RevokeAnswer(alreadyRevoked: true));

        var run = await RunAsync("token", "revoke", Id, "--reason", "again");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("already revoked", run.Output, StringComparison.Ordinal);
        Assert.Contains("2030-01-01T12:00:00Z by alice: first", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_CommittedButNotYetVisibleOnTheNode_ExitsZeroWithTheNodesWords()
    {
        Node.On("POST", $"/v1/tokens/{Id}/revoke", 202, NodeJson.Error("committed", "committed at journal position 9, but this node's replica is behind"));

        var run = await RunAsync("token", "revoke", Id, "--reason", "r");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("committed at journal position 9", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(404, "not_found", ExitCodes.NotFound)]
    [InlineData(503, "unavailable", ExitCodes.Unavailable)]
    public async Task Revoke_NotCommitted_IsNotZero(int status, string code, int exitCode)
    {
        Node.On("POST", $"/v1/tokens/{Id}/revoke", status, NodeJson.Error(code, "said no"));

        var run = await RunAsync("token", "revoke", Id, "--reason", "r");

        Assert.Equal(exitCode, run.ExitCode);
        Assert.Equal("proxyctl: said no\n", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public async Task Rotate_SameIdAndSalt_SendsVerifiersOfTheNewTokenAndPrintsItOnce()
    {
        Node.On("GET", $"/v1/tokens/{Id}", 200, NodeJson.Token(Id).ToJsonString());
        Node.On("POST", $"/v1/tokens/{Id}/rotate", 200,
            NodeJson.Token(Id, secretsNotAfter: [null, "2030-01-02T03:14:05Z"]).ToJsonString());

        var run = await RunAsync("token", "rotate", Id, "--overlap", "10m");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal(["GET", "POST"], Node.Requests.Select(request => request.Method));
        var rotate = Node.Requests[1];
        Assert.Equal(600, rotate.Json.GetProperty("overlap_seconds").GetInt64());

        var printedTokens = run.Output.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .Where(word => ApiToken.TryParse(word, out _)).ToList();
        var token = Assert.Single(printedTokens);
        Assert.StartsWith($"pct_{Id}_", token, StringComparison.Ordinal);
        Assert.DoesNotContain(token, rotate.Body, StringComparison.Ordinal);
        TokenCreateExchangeTests.AssertVerifiersOf(token, rotate.Json.GetProperty("secret"), SaltBytes, 4096);
        Assert.Contains("The previous secret keeps working until 2030-01-02T03:14:05Z.", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_Json_PrintsIdAndNewTokenWithAnHourOfOverlapByDefault()
    {
        Node.On("GET", $"/v1/tokens/{Id}", 200, NodeJson.Token(Id).ToJsonString());
        Node.On("POST", $"/v1/tokens/{Id}/rotate", 200, NodeJson.Token(Id).ToJsonString());

        var run = await RunAsync("token", "rotate", Id, "--json");

        var printed = SingleJsonLine(run);
        Assert.Equal(Id, printed.GetProperty("id").GetString());
        Assert.True(ApiToken.TryParse(printed.GetProperty("token").GetString(), out var id));
        Assert.Equal(Id, id);
        Assert.Equal(3600, Node.Requests[1].Json.GetProperty("overlap_seconds").GetInt64());
    }

    [Fact]
    public async Task Rotate_RevokedToken_ExitsConflictAndPrintsNoToken()
    {
        Node.On("GET", $"/v1/tokens/{Id}", 200, NodeJson.Token(Id, status: "revoked").ToJsonString());
        Node.On("POST", $"/v1/tokens/{Id}/rotate", 409, NodeJson.Error("conflict", "token is revoked"));

        var run = await RunAsync("token", "rotate", Id);

        Assert.Equal(ExitCodes.Conflict, run.ExitCode);
        Assert.Equal("proxyctl: token is revoked\n", run.Error);
        Assert.DoesNotContain($"pct_{Id}_", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_UnknownToken_StopsAfterTheLookup()
    {
        Node.On("GET", $"/v1/tokens/{Id}", 404, NodeJson.Error("not_found", $"no token {Id}"));

        var run = await RunAsync("token", "rotate", Id);

        Assert.Equal(ExitCodes.NotFound, run.ExitCode);
        Assert.Equal("GET", Node.SingleRequest.Method);
    }

    [Fact]
    public async Task Update_RoutesAndNoExpiry_SendsOnlyThose()
    {
        Node.On("POST", $"/v1/tokens/{Id}/scopes", 200, NodeJson.Token(Id, routes: ["a", "b"]).ToJsonString());

        var run = await RunAsync("token", "update", Id, "--route", "a", "--route", "b", "--no-expiry");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var body = Node.SingleRequest.Json;
        Assert.Equal(["a", "b"], body.GetProperty("routes").EnumerateArray().Select(route => route.GetString()));
        Assert.True(body.GetProperty("clear_expiry").GetBoolean());
        Assert.Equal(["routes", "clear_expiry"], body.EnumerateObject().Select(property => property.Name));
        Assert.Contains("routes      a,b", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_ExpiresInAndPolicy_SendsExpiryFromNowAndThePolicy()
    {
        Node.On("POST", $"/v1/tokens/{Id}/scopes", 200, NodeJson.Token(Id).ToJsonString());

        var run = await RunAsync("token", "update", Id, "--expires-in", "2h", "--policy", "read-only");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var body = Node.SingleRequest.Json;
        Assert.Equal(TestEnvironment.Now.AddHours(2), body.GetProperty("expires_at").GetDateTimeOffset());
        Assert.Equal("read-only", body.GetProperty("policy").GetString());
        Assert.False(body.TryGetProperty("clear_expiry", out _));
        Assert.False(body.TryGetProperty("routes", out _));
    }

    [Fact]
    public async Task Update_UnknownRoute_ExitsUsageWithTheNodesMessage()
    {
        Node.On("POST", $"/v1/tokens/{Id}/scopes", 400, NodeJson.Error("invalid", "unknown route 'nope'"));

        var run = await RunAsync("token", "update", Id, "--route", "nope");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal("proxyctl: unknown route 'nope'\n", run.Error);
    }

    private void ScriptList()
    {
        var list = new JsonObject
        {
            ["tokens"] = new JsonArray(
                NodeJson.Token("aaaaaaaaaaaa", routes: ["sales", "hr"], expiresAt: "2030-03-01T00:00:00Z"),
                NodeJson.Token("bbbbbbbbbbbb", status: "revoked")),
        };
        Node.On("GET", "/v1/tokens", 200, list.ToJsonString());
    }

    private static string RevokeAnswer(bool alreadyRevoked) => new JsonObject
    {
        ["token"] = NodeJson.Token(Id, status: "revoked", endedAt: "2030-01-01T12:00:00Z", endedBy: "alice", endReason: "first"),
        ["already_revoked"] = alreadyRevoked,
    }.ToJsonString();
}
