using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ProxyCluster.Protocol.Scram;
using ProxyCluster.Tokens;
using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Cli.Tests.Exchange;

public sealed class TokenCreateExchangeTests : ExchangeTestBase
{
    [Fact]
    public async Task Create_Json_SendsOnlyVerifiersAndPrintsTheTokenOnce()
    {
        ScriptCreateEcho();

        var run = await RunAsync("token", "create", "--principal", "billing-svc", "--route", "sales", "--route", "hr", "--expires-in", "1h", "--json");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var printed = SingleJsonLine(run);
        var token = printed.GetProperty("token").GetString()!;
        var id = printed.GetProperty("id").GetString()!;
        Assert.True(ApiToken.TryParse(token, out var tokenId));
        Assert.Equal(id, tokenId);
        Assert.Equal("pct_" + id, printed.GetProperty("user").GetString());
        Assert.Equal("active", printed.GetProperty("status").GetString()); // the node's view comes along

        var request = Node.SingleRequest;
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/tokens", request.PathAndQuery);
        Assert.Equal($"Bearer {AdminToken}", request.Authorization);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        Assert.DoesNotContain(token, request.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(token[17..], request.Body, StringComparison.Ordinal); // not even the secret part

        var body = request.Json;
        Assert.Equal(id, body.GetProperty("id").GetString());
        Assert.Equal("billing-svc", body.GetProperty("principal").GetString());
        Assert.Equal(["sales", "hr"], body.GetProperty("routes").EnumerateArray().Select(route => route.GetString()));
        Assert.Equal(TestEnvironment.Now.AddHours(1), body.GetProperty("expires_at").GetDateTimeOffset());
        Assert.False(body.TryGetProperty("policy", out _));
        Assert.False(body.TryGetProperty("policy_document", out _));
        Assert.False(body.TryGetProperty("actor", out _));
        AssertVerifiersOf(token, body.GetProperty("secret"));
    }

    [Fact]
    public async Task Create_Text_PrintsTokenExactlyOnceWithTheUserToConnectAs()
    {
        ScriptCreateEcho();

        var run = await RunAsync("token", "create", "--principal", "billing-svc");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var id = Node.SingleRequest.Json.GetProperty("id").GetString()!;
        var tokenPrefix = $"pct_{id}_";
        Assert.Equal(1, CountOf(run.Output, tokenPrefix));
        Assert.Contains($"user pct_{id} ", run.Output, StringComparison.Ordinal);
        Assert.Contains("expires    never", run.Output, StringComparison.Ordinal);
        Assert.False(Node.SingleRequest.Json.TryGetProperty("routes", out _)); // none given: every route, the node's default
    }

    [Fact]
    public async Task Create_PolicyDocumentAndActor_SendsTheDocumentTextItsNameAndTheActor()
    {
        const string document = "name: demo-reader\nallow:\n  - name: read\n    statements: [select]\n";
        var path = Environment.WriteFile("reader.yaml", document);
        ScriptCreateEcho();

        var run = await RunAsync("token", "create", "--principal", "p", "--policy", path, "--actor", "alice", "--json");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var body = Node.SingleRequest.Json;
        Assert.Equal("demo-reader", body.GetProperty("policy").GetString());
        Assert.Equal(document, body.GetProperty("policy_document").GetString());
        Assert.Equal("alice", body.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Create_PolicyName_SendsTheNameWithoutADocument()
    {
        ScriptCreateEcho();

        await RunAsync("token", "create", "--principal", "p", "--policy", "read-only", "--json");

        var body = Node.SingleRequest.Json;
        Assert.Equal("read-only", body.GetProperty("policy").GetString());
        Assert.False(body.TryGetProperty("policy_document", out _));
    }

    [Theory]
    [InlineData(400, "invalid", "unknown policy 'nope'", ExitCodes.Usage)]
    [InlineData(409, "conflict", "token id already taken", ExitCodes.Conflict)]
    [InlineData(503, "unavailable", "control store unreachable; nothing was changed", ExitCodes.Unavailable)]
    public async Task Create_NodeRefuses_ExitsWithItsCodeAndNeverPrintsTheToken(int status, string code, string error, int exitCode)
    {
        Node.On("POST", "/v1/tokens", status, NodeJson.Error(code, error));

        var run = await RunAsync("token", "create", "--principal", "p", "--json");

        Assert.Equal(exitCode, run.ExitCode);
        Assert.Equal($"proxyctl: {error}\n", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public async Task Create_NodeAnswersAnotherId_FailsWithoutPrintingTheToken()
    {
        Node.On("POST", "/v1/tokens", 201, NodeJson.Token("zzzzzzzzzzzz").ToJsonString());

        var run = await RunAsync("token", "create", "--principal", "p");

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Contains("zzzzzzzzzzzz", run.Error, StringComparison.Ordinal);
    }

    /// <summary>The secret must be this token's verifiers: the SHA-256 of its text and a SCRAM verifier of it as the password.</summary>
    internal static void AssertVerifiersOf(string token, JsonElement secret, byte[]? expectedSalt = null, int? expectedIterations = null)
    {
        var payload = new TokenSecretPayload(secret.GetProperty("scram").GetString()!, secret.GetProperty("sha256").GetString()!);
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(token))), payload.Sha256);

        Assert.True(ScramVerifier.TryParse(payload.Scram, out var scram));
        if (expectedSalt is not null)
        {
            Assert.Equal(expectedSalt, scram.Salt);
        }

        if (expectedIterations is not null)
        {
            Assert.Equal(expectedIterations, scram.Iterations);
        }

        Assert.Equal(TokenSecretVerifier.Create(token, scram.Salt, scram.Iterations), payload.ToVerifier());
    }

    private void ScriptCreateEcho() =>
        Node.On("POST", "/v1/tokens", request =>
        {
            var body = request.Json;
            var view = NodeJson.Token(body.GetProperty("id").GetString()!, principal: body.GetProperty("principal").GetString()!);
            return new ScriptedReply(201, view.ToJsonString());
        });

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
