namespace ProxyCluster.Node.Jwt;

/// <summary>A JWKS file, read again only when its size or modification time changes (a stat is cheap).</summary>
internal sealed class JwksFileSource(string path) : JwksSource
{
    private (long Length, DateTime Modified)? _read;

    public override string Description => $"{JwtOptions.Section}:JwksFile {path}";

    public override TimeSpan UnknownKeyRefetchInterval => TimeSpan.Zero;

    public override async Task<string?> ReadIfChangedAsync(CancellationToken cancellationToken)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new FileNotFoundException("the file does not exist", path);
        }

        var stamp = (file.Length, file.LastWriteTimeUtc);
        if (stamp == _read)
        {
            return null;
        }

        var json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        _read = stamp; // only after a whole read: a failed read is tried again on the next check
        return json;
    }
}
