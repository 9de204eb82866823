using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ProxyCluster.Tokens;
using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.RevocationBench;

/// <summary>The two admin calls the benchmark makes, as proxyctl makes them: create (verifiers only) and revoke.</summary>
internal sealed class AdminApi : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public AdminApi(string adminToken) =>
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);

    /// <summary>Mints a token here and registers its verifiers through <paramref name="adminUrl"/>; returns (id, token).</summary>
    public async Task<(string Id, string Token)> CreateAsync(string adminUrl, string database)
    {
        var token = ApiToken.Mint(out var id);
        var secret = TokenSecretPayload.From(TokenSecretVerifier.Create(token));
        var body = new JsonObject
        {
            ["id"] = id,
            ["principal"] = "revocation-bench",
            ["routes"] = new JsonArray(database),
            ["secret"] = new JsonObject { ["scram"] = secret.Scram, ["sha256"] = secret.Sha256 },
            ["actor"] = "revocation-bench",
        };
        using var response = await _http.PostAsJsonAsync(new Uri(new Uri(adminUrl), "/v1/tokens"), body).ConfigureAwait(false);
        await EnsureAsync(response).ConfigureAwait(false);
        return (id, token);
    }

    /// <summary>Returns when the node answered: the revocation is committed and applied on that node.</summary>
    public async Task RevokeAsync(string adminUrl, string id)
    {
        var body = new JsonObject { ["reason"] = "revocation-latency benchmark", ["actor"] = "revocation-bench" };
        using var response = await _http.PostAsJsonAsync(new Uri(new Uri(adminUrl), $"/v1/tokens/{id}/revoke"), body).ConfigureAwait(false);
        await EnsureAsync(response).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"admin API answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
        }
    }
}
