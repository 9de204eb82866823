using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Sessions.Lifecycle;
using ProxyCluster.Tokens;

namespace ProxyCluster.Node.Tokens;

/// <summary>
/// Keeps the token registry equal to the bootstrap token file until the replicated control store takes over:
/// loads it at start, then re-reads it when its size or modification time changes. A token that disappears from
/// the file is revoked — its live sessions on this node are cut. A file that cannot be read or parsed changes
/// nothing (the last good state keeps serving) and is reported in the log.
/// </summary>
public sealed partial class TokenFileWatcher : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly string _path;
    private readonly TokenRegistry _registry;
    private readonly SessionRegistry _sessions;
    private readonly ILogger<TokenFileWatcher> _logger;
    private (long Length, DateTime Modified)? _loaded;

    public TokenFileWatcher(string path, TokenRegistry registry, SessionRegistry sessions, ILogger<TokenFileWatcher> logger)
    {
        _path = path;
        _registry = registry;
        _sessions = sessions;
        _logger = logger;
    }

    /// <summary>Loads the file once, synchronously, so the node never accepts connections with an empty registry by accident.</summary>
    public void LoadInitial() => ReloadIfChanged();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            ReloadIfChanged();
        }
    }

    private void ReloadIfChanged()
    {
        var file = new FileInfo(_path);
        if (!file.Exists)
        {
            if (_loaded is null)
            {
                LogMissing(_logger, _path);
                _loaded = (-1, DateTime.MinValue);
            }

            return;
        }

        var stamp = (file.Length, file.LastWriteTimeUtc);
        if (stamp == _loaded)
        {
            return;
        }

        IReadOnlyList<TokenRecord> tokens;
        try
        {
            tokens = BootstrapTokenFile.Load(_path);
        }
        catch (Exception exception) when (exception is IOException or FormatException or UnauthorizedAccessException)
        {
            LogUnreadable(_logger, _path, exception.Message);
            _loaded = stamp; // retry when the file changes again, not every tick
            return;
        }

        var before = _registry.Snapshot;
        _registry.ReplaceAll(tokens);
        _loaded = stamp;
        LogLoaded(_logger, tokens.Count, _path);
        foreach (var id in before.Keys)
        {
            if (!_registry.TryGet(id, out _))
            {
                var cut = _sessions.TerminateToken(
                    id,
                    TokenTerminations.Revoked,
                    "token revoked");
                LogRevoked(_logger, id, cut);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "loaded {Count} tokens from {Path}")]
    private static partial void LogLoaded(ILogger logger, int count, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "token file {Path} does not exist yet; no client can authenticate until it does")]
    private static partial void LogMissing(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "token file {Path} could not be loaded, keeping the previous tokens: {Error}")]
    private static partial void LogUnreadable(ILogger logger, string path, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "token {TokenId} removed from the token file: revoked, {Sessions} live sessions terminated")]
    private static partial void LogRevoked(ILogger logger, string tokenId, int sessions);
}
