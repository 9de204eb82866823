using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProxyCluster.Sessions.Lifecycle;
using ProxyCluster.Tokens;

namespace ProxyCluster.Node.Tokens;

/// <summary>
/// Cuts the live sessions of tokens whose expiry has passed, and those that logged in with a secret a rotation has
/// since retired (at the end of its overlap, or at once without one). The login path already refuses both by
/// the clock; this is the same rule for sessions that were open when the moment came. It needs no control store
/// (fail-static: expiry holds even when the journal is unreachable), and only looks at tokens that have sessions
/// here. <see cref="Expired"/> lets the host also record the expiry in the journal.
/// </summary>
public sealed partial class TokenExpiryWatcher : BackgroundService
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(200);

    private readonly ITokenLookup _tokens;
    private readonly SessionRegistry _sessions;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger<TokenExpiryWatcher> _logger;

    public TokenExpiryWatcher(ITokenLookup tokens, SessionRegistry sessions, TimeProvider time, ILogger<TokenExpiryWatcher> logger, TimeSpan? interval = null)
    {
        _tokens = tokens;
        _sessions = sessions;
        _time = time;
        _logger = logger;
        _interval = interval ?? DefaultInterval;
    }

    /// <summary>Called (on the watcher's loop) for each token whose sessions were cut for expiry.</summary>
    public Func<TokenRecord, CancellationToken, Task>? Expired { get; set; }

    /// <summary>One pass; returns how many sessions were asked to end.</summary>
    public async Task<int> CutExpiredAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var cut = 0;
        foreach (var tokenId in _sessions.TokensWithSessions())
        {
            if (!_tokens.TryGet(tokenId, out var token))
            {
                // Not in the registry: revoked (that path cuts its own sessions), or an external identity (a JWT)
                // whose sessions carry their credential's expiry.
                cut += CutExpiredExternal(tokenId, now);
                continue;
            }

            if (!token.IsExpired(now))
            {
                cut += CutRetiredSecrets(token, now);
                continue;
            }

            var asked = _sessions.TerminateToken(tokenId, TokenTerminations.Expired, "token expired");
            cut += asked;
            LogExpired(_logger, tokenId, asked);
            if (Expired is { } record)
            {
                try
                {
                    await record(token, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogRecordFailed(_logger, tokenId, exception.Message);
                }
            }
        }

        return cut;
    }

    private int CutExpiredExternal(string tokenId, DateTimeOffset now)
    {
        var cut = 0;
        foreach (var session in _sessions.SessionsOf(tokenId))
        {
            if (session.ExpiresAt is { } expiresAt && now >= expiresAt && session.Post(new TerminateSession(TokenTerminations.Expired, "credential expired")))
            {
                cut++;
            }
        }

        return cut;
    }

    /// <summary>
    /// Ends the sessions of <paramref name="tokenId"/> whose secret is no longer accepted, now rather than at the next
    /// pass: called when a rotation is applied, so a rotation without overlap takes effect at once.
    /// </summary>
    public int CutRetiredSecrets(string tokenId) =>
        _tokens.TryGet(tokenId, out var token) ? CutRetiredSecrets(token, _time.GetUtcNow()) : 0;

    private int CutRetiredSecrets(TokenRecord token, DateTimeOffset now)
    {
        var cut = 0;
        foreach (var session in _sessions.SessionsOf(token.Id))
        {
            if (session.Secret is { } secret && !token.StillAccepts(secret, now)
                && session.Post(new TerminateSession(TokenTerminations.SecretRetired, "token rotated: the secret this session logged in with was retired")))
            {
                cut++;
            }
        }

        if (cut > 0)
        {
            LogSecretRetired(_logger, token.Id, cut);
        }

        return cut;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            await CutExpiredAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "token {TokenId} expired: {Sessions} live sessions terminated")]
    private static partial void LogExpired(ILogger logger, string tokenId, int sessions);

    [LoggerMessage(Level = LogLevel.Information, Message = "token {TokenId} rotated: {Sessions} live sessions on its retired secret terminated")]
    private static partial void LogSecretRetired(ILogger logger, string tokenId, int sessions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "token {TokenId} expired but the expiry could not be recorded in the journal: {Error}")]
    private static partial void LogRecordFailed(ILogger logger, string tokenId, string error);
}
