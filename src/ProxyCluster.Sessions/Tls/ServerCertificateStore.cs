using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace ProxyCluster.Sessions.Tls;

/// <summary>
/// The node's server certificate, from a PEM certificate file and a PEM key file, kept equal to the files without a
/// restart: the files' sizes and modification times are polled, and a changed pair is loaded and swapped in
/// atomically. Handshakes already done keep their TLS sessions; new handshakes get the new certificate. A pair that
/// does not load (half-written, key not matching the certificate) changes nothing: the last good certificate keeps
/// serving and the problem is logged, then retried when the files change again.
/// </summary>
public sealed partial class ServerCertificateStore : IDisposable
{
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(1);

    private readonly string _certificateFile;
    private readonly string _keyFile;
    private readonly ILogger _logger;
    private readonly ITimer? _timer;
    private readonly Lock _reloading = new();
    private ServerCertificate _current;
    private Stamp _loaded;

    /// <summary>Loads the pair now and throws if it cannot: a node must not start with TLS it cannot offer.</summary>
    /// <param name="pollInterval">How often the files are checked for changes; <see cref="Timeout.InfiniteTimeSpan"/> to never.</param>
    public ServerCertificateStore(string certificateFile, string keyFile, ILogger logger, TimeProvider? time = null, TimeSpan? pollInterval = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(certificateFile);
        ArgumentException.ThrowIfNullOrEmpty(keyFile);
        _certificateFile = Path.GetFullPath(certificateFile);
        _keyFile = Path.GetFullPath(keyFile);
        _logger = logger;
        _loaded = StampOf();
        _current = ServerCertificate.LoadPem(_certificateFile, _keyFile);
        LogLoaded(_logger, _current.Subject, _current.Thumbprint, _certificateFile);

        var interval = pollInterval ?? DefaultPollInterval;
        if (interval != Timeout.InfiniteTimeSpan)
        {
            _timer = (time ?? TimeProvider.System).CreateTimer(_ => ReloadIfChanged(), null, interval, interval);
        }
    }

    /// <summary>The certificate for the next handshake.</summary>
    public ServerCertificate Current => Volatile.Read(ref _current);

    /// <summary>Reloads when either file changed since the last attempt; true when a new certificate was swapped in.</summary>
    public bool ReloadIfChanged()
    {
        lock (_reloading)
        {
            Stamp stamp;
            try
            {
                stamp = StampOf();
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                return false;
            }

            if (stamp == _loaded)
            {
                return false;
            }

            _loaded = stamp; // a pair that fails is retried when the files change again, not on every tick
            ServerCertificate loaded;
            try
            {
                loaded = ServerCertificate.LoadPem(_certificateFile, _keyFile);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                LogUnusable(_logger, _certificateFile, _keyFile, exception.Message);
                return false;
            }

            if (loaded.Thumbprint == Current.Thumbprint)
            {
                return false;
            }

            // The old certificate is not disposed: handshakes that took it may still be using its key.
            Volatile.Write(ref _current, loaded);
            LogLoaded(_logger, loaded.Subject, loaded.Thumbprint, _certificateFile);
            return true;
        }
    }

    public void Dispose() => _timer?.Dispose();

    private Stamp StampOf()
    {
        var certificate = new FileInfo(_certificateFile);
        var key = new FileInfo(_keyFile);
        return new Stamp(
            certificate.Exists ? certificate.Length : -1,
            certificate.Exists ? certificate.LastWriteTimeUtc : default,
            key.Exists ? key.Length : -1,
            key.Exists ? key.LastWriteTimeUtc : default);
    }

    private readonly record struct Stamp(long CertificateLength, DateTime CertificateModified, long KeyLength, DateTime KeyModified);

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "TLS server certificate {Subject} ({Thumbprint}) loaded from {CertificateFile}")]
    private static partial void LogLoaded(ILogger logger, string subject, string thumbprint, string certificateFile);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "TLS server certificate {CertificateFile} with key {KeyFile} not usable, keeping the current one: {Reason}")]
    private static partial void LogUnusable(ILogger logger, string certificateFile, string keyFile, string reason);
}
