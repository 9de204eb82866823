using System.Globalization;
using Microsoft.AspNetCore.Http;
using ProxyCluster.Audit;
using ProxyCluster.Control.Audit;
using ProxyCluster.Tokens;

namespace ProxyCluster.Node.Admin;

/// <summary>
/// Reads <c>GET /v1/audit</c>'s query string into an <see cref="AuditSearch"/>: <c>token, table, decision, type,
/// since, until, after, limit</c>, each at most once. An unknown or repeated parameter is refused, as an unknown
/// body key is elsewhere in the admin API: a typo must not silently widen a search.
/// </summary>
public static class AuditSearchParameters
{
    private static readonly string[] Known = ["token", "table", "decision", "type", "since", "until", "after", "limit"];

    /// <summary>The search, or null and the message for a 400 answer.</summary>
    public static AuditSearch? TryParse(IQueryCollection query, out string? error)
    {
        ArgumentNullException.ThrowIfNull(query);
        foreach (var (name, values) in query)
        {
            if (!Known.Contains(name, StringComparer.Ordinal))
            {
                error = $"unknown query parameter \"{name}\"; /v1/audit takes {string.Join(", ", Known)}";
                return null;
            }

            if (values.Count != 1)
            {
                error = $"query parameter \"{name}\" is given {values.Count} times; give it once";
                return null;
            }
        }

        var search = new AuditSearch();
        if (Value(query, "token") is { } token)
        {
            // Accept the user name a client connects with (pct_<id>) as well as the bare id, as /v1/tokens does.
            search = search with { TokenId = ApiToken.NormalizeUserToId(token) };
        }

        if (Value(query, "table") is { } table)
        {
            search = search with { Table = table };
        }

        if (Value(query, "decision") is { } decision)
        {
            AuditDecision? parsed = decision switch { "allow" => AuditDecision.Allow, "deny" => AuditDecision.Deny, _ => null };
            if (parsed is null)
            {
                error = $"decision must be allow or deny, not \"{decision}\"";
                return null;
            }

            search = search with { Decision = parsed };
        }

        if (Value(query, "type") is { } type)
        {
            AuditRecordType? parsed = type switch { "session" => AuditRecordType.Session, "statement" => AuditRecordType.Statement, _ => null };
            if (parsed is null)
            {
                error = $"type must be session or statement, not \"{type}\"";
                return null;
            }

            search = search with { Type = parsed };
        }

        if (!TryTime(query, "since", out var since, out error) || !TryTime(query, "until", out var until, out error))
        {
            return null;
        }

        search = search with { Since = since, Until = until };

        if (Value(query, "after") is { } after)
        {
            if (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var afterId))
            {
                error = $"after must be a record id (a whole number, 0 or more), not \"{after}\"";
                return null;
            }

            search = search with { AfterId = afterId };
        }

        if (Value(query, "limit") is { } limit)
        {
            if (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > AuditSearch.MaxLimit)
            {
                error = $"limit must be a whole number between 1 and {AuditSearch.MaxLimit}, not \"{limit}\"";
                return null;
            }

            search = search with { Limit = count };
        }

        error = search.Validate();
        return error is null ? search : null;
    }

    private static string? Value(IQueryCollection query, string name) => query.TryGetValue(name, out var values) ? values[0] : null;

    private static bool TryTime(IQueryCollection query, string name, out DateTimeOffset? time, out string? error)
    {
        time = null;
        error = null;
        if (Value(query, name) is not { } text)
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }

        // An unescaped '+' in an offset arrives as a space.
        error = $"{name} must be an ISO 8601 time such as 2030-01-02T03:04:05Z, not \"{text}\"" +
            (text.Contains(' ', StringComparison.Ordinal) ? " (escape '+' in an offset as %2B)" : "");
        return false;
    }
}
