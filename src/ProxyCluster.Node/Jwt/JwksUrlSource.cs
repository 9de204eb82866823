namespace ProxyCluster.Node.Jwt;

/// <summary>A JWKS URL, fetched on every read; redirects are not followed and the document is capped in size.</summary>
internal sealed class JwksUrlSource : JwksSource
{
    private const int MaxDocumentBytes = 1 << 20;
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);

    private readonly Uri _url;
    private readonly HttpClient _client;

    public JwksUrlSource(Uri url, HttpMessageHandler? http)
    {
        _url = url;
        _client = http is null
            ? new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = FetchTimeout }, disposeHandler: true)
            : new HttpClient(http, disposeHandler: false);
        _client.Timeout = FetchTimeout;
        _client.MaxResponseContentBufferSize = MaxDocumentBytes;
    }

    public override string Description => $"{JwtOptions.Section}:JwksUrl {_url}";

    public override TimeSpan UnknownKeyRefetchInterval => TimeSpan.FromSeconds(10);

    public override async Task<string?> ReadIfChangedAsync(CancellationToken cancellationToken)
    {
        using var response = await _client.GetAsync(_url, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"HTTP {(int)response.StatusCode}", null, response.StatusCode);
        }

        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose() => _client.Dispose();
}
