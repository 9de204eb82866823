namespace ProxyCluster.Node.Jwt;

/// <summary>Where the JWKS document comes from. A read returns the document, or null when it has not changed.</summary>
internal abstract class JwksSource : IDisposable
{
    /// <summary>Names the source in log lines and startup errors, e.g. <c>Proxy:Jwt:JwksFile /etc/jwks.json</c>.</summary>
    public abstract string Description { get; }

    /// <summary>The shortest gap between two reads caused by an unknown <c>kid</c>.</summary>
    public abstract TimeSpan UnknownKeyRefetchInterval { get; }

    public abstract Task<string?> ReadIfChangedAsync(CancellationToken cancellationToken);

    public virtual void Dispose()
    {
    }

    public static JwksSource Create(JwtOptions options, HttpMessageHandler? http) =>
        string.IsNullOrWhiteSpace(options.JwksUrl)
            ? new JwksFileSource(options.JwksFile!)
            : new JwksUrlSource(new Uri(options.JwksUrl), http);
}
