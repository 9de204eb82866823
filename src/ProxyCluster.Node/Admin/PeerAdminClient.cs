using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;

namespace ProxyCluster.Node.Admin;

/// <summary>
/// Calls another node's admin API, for what only that node can answer: its own sessions. Short timeouts: a
/// listing must not hang on one dead member; it reports that member as unreachable instead.
/// </summary>
public sealed class PeerAdminClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly AdminCredential? _credential;

    public PeerAdminClient(AdminCredential? credential, TimeSpan timeout)
    {
        _http = new HttpClient { Timeout = timeout };
        _credential = credential; // asked at each call: the token file may have been replaced since
    }

    /// <summary>GET; the parsed body and status, or an exception for a node that could not be reached.</summary>
    public async Task<(T? Body, int Status)> GetAsync<T>(string baseUrl, string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var request = NewRequest(HttpMethod.Get, baseUrl, path);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false) : default;
        return (body, (int)response.StatusCode);
    }

    /// <summary>POST with a JSON body; the answer's status and raw JSON, to pass on as it is.</summary>
    public async Task<(string Json, int Status)> PostAsync<TBody>(string baseUrl, string path, TBody body, JsonTypeInfo<TBody> type, CancellationToken cancellationToken)
    {
        using var request = NewRequest(HttpMethod.Post, baseUrl, path);
        request.Content = JsonContent.Create(body, type);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false), (int)response.StatusCode);
    }

    public void Dispose() => _http.Dispose();

    private HttpRequestMessage NewRequest(HttpMethod method, string baseUrl, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(new Uri(baseUrl.TrimEnd('/') + "/"), path.TrimStart('/')));
        if (_credential is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _credential.Token);
        }

        return request;
    }
}
