using System.Globalization;
using ProxyCluster.Protocol.Errors;

namespace ProxyCluster.Sessions.Relay;

/// <summary>
/// Makes a denied statement fail exactly where and how a server error would. The statement is replaced by a call to
/// a function that cannot exist (its name carries a per-session nonce and a sequence number), so the server itself
/// produces the error in the right place of the response stream, with the right transaction consequences (an open
/// block becomes aborted; in an already aborted block the server answers 25P02, as it would have for the original).
/// The server's "function does not exist" for that marker is then rewritten into the policy's 42501.
/// </summary>
public sealed class DenialMarkers
{
    public const string UndefinedFunction = "42883";

    /// <summary>More outstanding denials than this means the server stopped answering them (aborted block); forget the oldest.</summary>
    private const int MaxPending = 256;

    private readonly string _prefix;
    private readonly Dictionary<long, PostgresError> _pending = [];
    private readonly Lock _lock = new();
    private long _sequence;
    private long _oldestPending = 1;

    /// <summary>_pending.Count, readable without the lock: the server-side pump asks for every ErrorResponse.</summary>
    private int _pendingCount;

    public DenialMarkers()
    {
        _prefix = "proxycluster_denied_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)) + "_";
    }

    /// <summary>Writers check this before reading ErrorResponses whole; no denial, no cost.</summary>
    public bool HasPending => Volatile.Read(ref _pendingCount) > 0;

    /// <summary>Registers a denial and returns the SQL to send in place of the denied statement.</summary>
    public string Register(PostgresError denial)
    {
        lock (_lock)
        {
            var number = ++_sequence;
            _pending[number] = denial;
            while (_pending.Count > MaxPending)
            {
                _pending.Remove(_oldestPending++);
            }

            Volatile.Write(ref _pendingCount, _pending.Count);
            return $"SELECT pg_catalog.{_prefix}{number.ToString(CultureInfo.InvariantCulture)}()";
        }
    }

    /// <summary>The policy's error for a server error caused by one of our markers, or null for any other error.</summary>
    public PostgresError? TakeReplacement(PostgresError serverError)
    {
        if (serverError.SqlState != UndefinedFunction)
        {
            return null;
        }

        var message = serverError.Message;
        var at = message.IndexOf(_prefix, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var digits = message.AsSpan(at + _prefix.Length);
        var end = digits.IndexOfAnyExceptInRange('0', '9');
        if (!long.TryParse(end < 0 ? digits : digits[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        lock (_lock)
        {
            if (!_pending.Remove(number, out var denial))
            {
                return null;
            }

            // Answers come in order: any older marker still pending was swallowed by an aborted block.
            for (; _oldestPending < number; _oldestPending++)
            {
                _pending.Remove(_oldestPending);
            }

            Volatile.Write(ref _pendingCount, _pending.Count);
            return denial;
        }
    }
}
