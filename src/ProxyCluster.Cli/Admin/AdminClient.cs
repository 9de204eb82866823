using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ProxyCluster.Cli.Connection;

namespace ProxyCluster.Cli.Admin;

/// <summary>
/// The admin API over HTTP, one <see cref="HttpClient"/> per process. Every call ends in an <see cref="AdminResult"/>:
/// the node's non-2xx answers and an unreachable node are values (with the exit code ADMIN-API.md gives them), not
/// exceptions. The admin token goes into the Authorization header and nowhere else.
/// </summary>
internal sealed class AdminClient : IDisposable
{
    /// <summary>How long one request may take, connecting included. Every admin call answers well within it.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly AdminConnection _connection;

    public AdminClient(AdminConnection connection)
    {
        _connection = connection;
        // No redirects: a POST must not silently turn into something else, nor the token follow a Location header.
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = Timeout };
        _http = new HttpClient(handler) { BaseAddress = connection.Node, Timeout = Timeout };
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("proxyctl", typeof(AdminClient).Assembly.GetName().Version?.ToString(3)));
        if (connection.AdminToken is { } token)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>The node's base address, for messages.</summary>
    public Uri Node => _connection.Node;

    /// <summary>GET <paramref name="path"/> (relative, no leading '/').</summary>
    public Task<AdminResult> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    /// <summary>POST <paramref name="body"/> as JSON to <paramref name="path"/> (relative, no leading '/').</summary>
    public Task<AdminResult> PostAsync<T>(string path, T body, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(JsonSerializer.Serialize(body, type), Encoding.UTF8, "application/json"),
        };
        return SendAsync(request, cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The exit code for a non-2xx status (ADMIN-API.md's table; anything undocumented is a plain failure).</summary>
    public static int ExitCodeFor(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => ExitCodes.Usage,
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ExitCodes.Unauthorized,
        HttpStatusCode.NotFound => ExitCodes.NotFound,
        HttpStatusCode.Conflict => ExitCodes.Conflict,
        HttpStatusCode.ServiceUnavailable => ExitCodes.Unavailable,
        _ => ExitCodes.Failure,
    };

    private async Task<AdminResult> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            try
            {
                using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    // Committed in the journal, but the answering node cannot show the result yet: done, say so.
                    return AdminResult.Failed(new AdminFailure(ExitCodes.Ok, ErrorText(body) ?? "committed; the node cannot show the result yet"));
                }

                return response.IsSuccessStatusCode
                    ? AdminResult.Success(body)
                    : AdminResult.Failed(FailureFor(response.StatusCode, response.ReasonPhrase, body));
            }
            catch (HttpRequestException e)
            {
                return AdminResult.Failed(AdminFailure.Unavailable($"cannot reach the node at {Node} ({_connection.NodeSource}): {e.Message}"));
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return AdminResult.Failed(AdminFailure.Unavailable(
                    $"the node at {Node} did not answer within {Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s"));
            }
        }
    }

    private AdminFailure FailureFor(HttpStatusCode status, string? reasonPhrase, string body)
    {
        var message = ErrorText(body) ?? $"the node answered {(int)status} {reasonPhrase}".TrimEnd();
        if (status == HttpStatusCode.Unauthorized)
        {
            message += _connection.AdminTokenSource is { } source
                ? $" (admin token from {source})"
                : $"; no admin token was sent: pass --admin-token-file FILE or set {ConnectionResolver.AdminTokenVariable}";
        }

        return new AdminFailure(ExitCodeFor(status), message);
    }

    /// <summary>The <c>error</c> of an error body, or null when the body is not one.</summary>
    private static string? ErrorText(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, AdminJsonContext.Default.AdminErrorBody)?.Error is { Length: > 0 } error ? error : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
