using System.Buffers;
using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ProxyCluster.Node.Jwt;

/// <summary>
/// Validates JWTs presented as passwords against a JWKS, with <see cref="JsonWebTokenHandler"/> doing the
/// parsing and the cryptography. The keys are an immutable snapshot swapped on refresh: periodically, and when a
/// token names an unknown <c>kid</c> (for a URL at most once per 10 s). A refresh that fails keeps the last good
/// keys and is logged once per outage. Bad input never throws; it returns a <see cref="JwtValidation"/> failure.
/// </summary>
public sealed partial class JwtValidator : IAsyncDisposable
{
    /// <summary>Longer than any plausible token; refused before anything is parsed.</summary>
    public const int MaxTokenLength = 64 * 1024;

    private static readonly SearchValues<char> Base64UrlChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private readonly JwtOptions _options;
    private readonly ILogger<JwtValidator> _logger;
    private readonly TimeProvider _time;
    private readonly JwksSource _source;
    private readonly FrozenSet<string> _algorithms;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private volatile JwksKeys? _keys;
    private Task? _refreshing;
    private Task? _refreshLoop;
    private DateTimeOffset? _lastUnknownKeyRefetch;
    private bool _outage;
    private string? _lastError;

    public JwtValidator(JwtOptions options, ILogger<JwtValidator> logger, HttpMessageHandler? http = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        if (JwtOptions.Validate(options) is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(options));
        }

        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _source = JwksSource.Create(options, http);
        _algorithms = options.Algorithms.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Loads the JWKS for the first time and starts the periodic refresh. Throws <see cref="InvalidOperationException"/>
    /// naming the source and the reason when no usable key could be loaded.
    /// </summary>
    public async Task LoadKeysAsync(CancellationToken ct)
    {
        await RefreshSharedAsync().WaitAsync(ct).ConfigureAwait(false);
        if (_keys is null)
        {
            throw new InvalidOperationException($"{_source.Description} could not be loaded: {_lastError}");
        }

        lock (_gate)
        {
            _refreshLoop ??= RefreshPeriodicallyAsync(_stopping.Token);
        }
    }

    /// <summary>
    /// Three base64url segments separated by '.', the first (the JSON header) starting with <c>eyJ</c>, which is
    /// <c>{"</c> encoded. The signature may be empty so an unsigned token is refused as a JWT ("algorithm not allowed").
    /// </summary>
    public static bool LooksLikeJwt(string candidate)
    {
        if (candidate is null || candidate.Length > MaxTokenLength || !candidate.StartsWith("eyJ", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = candidate.AsSpan();
        var header = rest.IndexOf('.');
        if (header < 0 || !IsBase64Url(rest[..header], allowEmpty: false))
        {
            return false;
        }

        rest = rest[(header + 1)..];
        var payload = rest.IndexOf('.');
        return payload >= 0 &&
            IsBase64Url(rest[..payload], allowEmpty: false) &&
            IsBase64Url(rest[(payload + 1)..], allowEmpty: true);
    }

    public async ValueTask<JwtValidation> ValidateAsync(string jwt, CancellationToken ct)
    {
        if (!LooksLikeJwt(jwt))
        {
            return JwtValidation.Refused(JwtFailures.NotAJwt);
        }

        JsonWebToken token;
        try
        {
            token = new JsonWebToken(jwt);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return JwtValidation.Refused(JwtFailures.NotAJwt);
        }

        // Cheap refusals first, so a token from elsewhere never causes a JWKS fetch.
        if (!_algorithms.Contains(token.Alg))
        {
            return JwtValidation.Refused(JwtFailures.AlgorithmNotAllowed);
        }

        if (!string.Equals(token.Issuer, _options.Issuer, StringComparison.Ordinal))
        {
            return JwtValidation.Refused(JwtFailures.IssuerNotAccepted);
        }

        if (await KeysForAsync(token.Kid, ct).ConfigureAwait(false) is not { } keys)
        {
            return JwtValidation.Refused(JwtFailures.UnknownSigningKey);
        }

        TokenValidationResult result;
        try
        {
            result = await _handler.ValidateTokenAsync(token, keys.Parameters).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return JwtValidation.Refused(Reason(exception));
        }

        if (!result.IsValid || result.SecurityToken is not JsonWebToken valid)
        {
            return JwtValidation.Refused(Reason(result.Exception));
        }

        return JwtClaimReader.Read(valid, _options);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task?[] running;
        lock (_gate)
        {
            running = [_refreshLoop, _refreshing];
        }

        foreach (var task in running.OfType<Task>())
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _source.Dispose();
        _stopping.Dispose();
    }

    private static bool IsBase64Url(ReadOnlySpan<char> segment, bool allowEmpty) =>
        segment.IsEmpty
            ? allowEmpty
            : segment.Length % 4 != 1 && !segment.ContainsAnyExcept(Base64UrlChars);

    /// <summary>The snapshot that holds <paramref name="kid"/>, refreshing once if allowed; null when the key stays unknown.</summary>
    private async ValueTask<JwksKeys?> KeysForAsync(string kid, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(kid))
        {
            return null; // keys are chosen by kid only
        }

        if (_keys is { } keys && keys.KeyIds.Contains(kid))
        {
            return keys;
        }

        if (!TryClaimUnknownKeyRefetch())
        {
            return null;
        }

        await RefreshSharedAsync().WaitAsync(ct).ConfigureAwait(false);
        return _keys is { } refreshed && refreshed.KeyIds.Contains(kid) ? refreshed : null;
    }

    private bool TryClaimUnknownKeyRefetch()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_lastUnknownKeyRefetch is { } last && now - last < _source.UnknownKeyRefetchInterval)
            {
                return false;
            }

            _lastUnknownKeyRefetch = now;
            return true;
        }
    }

    /// <summary>One refresh at a time: callers arriving while one runs wait for that one.</summary>
    private Task RefreshSharedAsync()
    {
        lock (_gate)
        {
            if (_refreshing is { IsCompleted: false } running)
            {
                return running;
            }

            return _refreshing = RefreshAsync(_stopping.Token);
        }
    }

    private async Task RefreshPeriodicallyAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.JwksRefreshSeconds), _time);
        while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
        {
            await RefreshSharedAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Never throws except on shutdown: a failure keeps the last good keys.</summary>
    private async Task RefreshAsync(CancellationToken stopping)
    {
        try
        {
            if (await _source.ReadIfChangedAsync(stopping).ConfigureAwait(false) is { } json)
            {
                var keys = JwksKeys.Parse(json, _options, _time);
                _keys = keys;
                LogKeysLoaded(_logger, keys.KeyIds.Count, _source.Description);
            }

            if (_outage)
            {
                _outage = false;
                LogKeysRecovered(_logger, _source.Description);
            }
        }
        catch (Exception exception) when (!stopping.IsCancellationRequested)
        {
            _lastError = exception.Message;
            if (!_outage)
            {
                _outage = true;
                LogKeysUnavailable(_logger, _source.Description, exception.Message);
            }
        }
    }

    private static string Reason(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => JwtFailures.Expired,
        SecurityTokenNotYetValidException => JwtFailures.NotYetValid,
        SecurityTokenNoExpirationException => JwtFailures.MissingExp,
        SecurityTokenInvalidLifetimeException => JwtFailures.LifetimeInvalid,
        SecurityTokenInvalidIssuerException => JwtFailures.IssuerNotAccepted,
        SecurityTokenInvalidAudienceException => JwtFailures.AudienceNotAccepted,
        SecurityTokenSignatureKeyNotFoundException => JwtFailures.UnknownSigningKey,
        SecurityTokenInvalidAlgorithmException => JwtFailures.AlgorithmNotAllowed,
        SecurityTokenInvalidSignatureException => JwtFailures.SignatureInvalid,
        SecurityTokenMalformedException or ArgumentException => JwtFailures.NotAJwt,
        _ => JwtFailures.Invalid,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "JWT signing keys loaded: {Count} from {Source}")]
    private static partial void LogKeysLoaded(ILogger logger, int count, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "JWT signing keys could not be refreshed from {Source}, keeping the last good keys: {Error}")]
    private static partial void LogKeysUnavailable(ILogger logger, string source, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "JWT signing keys reachable again at {Source}")]
    private static partial void LogKeysRecovered(ILogger logger, string source);
}
