using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ProxyCluster.Tokens;
using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.IntegrationTests.Fixtures;

/// <summary>
/// A node's admin API as proxyctl calls it: JSON over HTTP with the admin token. Tokens are minted here and only
/// their verifiers are sent, exactly like proxyctl does.
/// </summary>
public sealed class AdminHttp(string baseUrl, string? adminToken) : IDisposable
{
    private readonly HttpClient _http = CreateClient(baseUrl, adminToken);

    public async Task<(int Status, JsonNode? Body)> GetAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        return ((int)response.StatusCode, await ReadAsync(response));
    }

    public async Task<(int Status, JsonNode? Body)> PostAsync(string path, JsonObject body)
    {
        using var response = await _http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        return ((int)response.StatusCode, await ReadAsync(response));
    }

    /// <summary>Creates a token through the API; throws unless the node answered 201.</summary>
    public async Task<TestToken> CreateTokenAsync(string principal, string? route = ClusterFixture.AppDatabase, DateTimeOffset? expiresAt = null, string? policy = null)
    {
        var token = ApiToken.Mint(out var id);
        var verifier = TokenSecretVerifier.Create(token);
        var body = new JsonObject
        {
            ["id"] = id,
            ["principal"] = principal,
            ["routes"] = route is null ? new JsonArray() : new JsonArray(route),
            ["secret"] = new JsonObject { ["scram"] = verifier.Scram.ToPostgresString(), ["sha256"] = Convert.ToBase64String(verifier.Sha256) },
            ["actor"] = "integration-tests",
        };
        if (expiresAt is { } at)
        {
            body["expires_at"] = at.ToString("O");
        }

        if (policy is not null)
        {
            body["policy"] = policy;
        }

        var (status, answer) = await PostAsync("v1/tokens", body);
        Assert.True(status == 201, $"create token answered {status}: {answer?.ToJsonString()}");
        var record = TokenRecord.Create(token, principal, policy ?? TokenRecord.DefaultPolicy, route is null ? [] : [route], expiresAt);
        return new TestToken(token, record);
    }

    public Task<(int Status, JsonNode? Body)> RevokeAsync(string id, string reason = "integration test") =>
        PostAsync($"v1/tokens/{id}/revoke", new JsonObject { ["reason"] = reason, ["actor"] = "integration-tests" });

    /// <summary>Rotates through the API the way proxyctl does: same id, same SCRAM salt, a new secret.</summary>
    public async Task<(int Status, string NewToken)> RotateAsync(string id, TimeSpan overlap)
    {
        var (_, view) = await GetAsync($"v1/tokens/{id}");
        var salt = Convert.FromBase64String(view!["scram_salt"]!.GetValue<string>());
        var iterations = view["scram_iterations"]!.GetValue<int>();
        var token = ApiToken.MintWithId(id);
        var secret = TokenSecretPayload.From(TokenSecretVerifier.Create(token, salt, iterations));
        var (status, _) = await PostAsync($"v1/tokens/{id}/rotate", new JsonObject
        {
            ["secret"] = new JsonObject { ["scram"] = secret.Scram, ["sha256"] = secret.Sha256 },
            ["overlap_seconds"] = overlap.TotalSeconds,
        });
        return (status, token);
    }

    public void Dispose() => _http.Dispose();

    private static HttpClient CreateClient(string baseUrl, string? adminToken)
    {
        var http = new HttpClient { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(15) };
        if (adminToken is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        }

        return http;
    }

    private static async Task<JsonNode?> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }
}
