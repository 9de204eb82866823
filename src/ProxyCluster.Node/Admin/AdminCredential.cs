using System.Security.Cryptography;
using System.Text;
using ProxyCluster.Node.Configuration;

namespace ProxyCluster.Node.Admin;

/// <summary>
/// The admin token callers of <c>/v1</c> must present as <c>Authorization: Bearer …</c>. The presented value is
/// hashed and compared with the token's hash in constant time, so timing gives nothing away. The token itself is
/// kept too: this node presents it when it asks another node (sessions live on their own node). A token file is
/// looked at again at most once every <see cref="RecheckInterval"/>: replacing it rotates the token without a
/// restart. A replacement that cannot be read, or is too short, is ignored and the current token stays.
/// </summary>
public sealed class AdminCredential
{
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(1);

    private const string Scheme = "Bearer ";
    private const int MinimumLength = 16;

    private readonly string? _file;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private Snapshot _current;
    private long _nextCheck;

    private AdminCredential(Snapshot current, string? file, TimeProvider time)
    {
        _current = current;
        _file = file;
        _time = time;
        _nextCheck = (time.GetUtcNow() + RecheckInterval).UtcTicks;
    }

    /// <summary>For calls to other nodes only; never logged.</summary>
    internal string Token => Current().Token;

    /// <summary>The configured credential; null when none is configured (an open API, allowed on loopback only).</summary>
    public static AdminCredential? Load(AdminOptions admin, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(admin);
        time ??= TimeProvider.System;
        if (admin.TokenFile is { } file)
        {
            string token;
            try
            {
                token = ReadFile(file);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"cannot read the admin token file {file}: {exception.Message}", exception);
            }

            return new AdminCredential(Snapshot.Of(Validated(token), File.GetLastWriteTimeUtc(file)), file, time);
        }

        if (admin.TokenEnv is { } variable)
        {
            var token = Environment.GetEnvironmentVariable(variable)
                ?? throw new InvalidOperationException($"the admin token variable {variable} is not set");
            return new AdminCredential(Snapshot.Of(Validated(token), default), null, time);
        }

        return null;
    }

    /// <summary>Whether an Authorization header value carries the admin token.</summary>
    public bool Accepts(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[Scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, Current().Hash);
    }

    private Snapshot Current()
    {
        var now = _time.GetUtcNow().UtcTicks;
        if (_file is null || now < Volatile.Read(ref _nextCheck))
        {
            return Volatile.Read(ref _current);
        }

        lock (_gate)
        {
            if (now >= _nextCheck)
            {
                _nextCheck = now + RecheckInterval.Ticks;
                Reload(_file);
            }

            return _current;
        }
    }

    private void Reload(string file)
    {
        try
        {
            var written = File.GetLastWriteTimeUtc(file);
            if (written == _current.WrittenAt)
            {
                return;
            }

            var token = ReadFile(file);
            if (token.Length >= MinimumLength)
            {
                Volatile.Write(ref _current, Snapshot.Of(token, written));
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Mid-replacement or gone: keep the token we have rather than lock every operator out.
        }
    }

    private static string ReadFile(string file) => File.ReadAllText(file).TrimEnd('\r', '\n');

    private static string Validated(string token) =>
        token.Length >= MinimumLength
            ? token
            : throw new InvalidOperationException("the admin token is shorter than 16 characters; use a long random one (e.g. openssl rand -hex 32)");

    private sealed record Snapshot(string Token, byte[] Hash, DateTime WrittenAt)
    {
        public static Snapshot Of(string token, DateTime writtenAt) => new(token, SHA256.HashData(Encoding.UTF8.GetBytes(token)), writtenAt);
    }
}
