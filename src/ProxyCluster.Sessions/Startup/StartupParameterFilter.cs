using ProxyCluster.Protocol.Errors;

namespace ProxyCluster.Sessions.Startup;

/// <summary>
/// Decides which startup parameters reach the server. A startup packet can carry <c>options=-c …</c>, <c>role</c>,
/// <c>search_path</c> or <c>session_authorization</c>, each of which would change what the session may do or how
/// names resolve, so only a short allowlist of presentation settings is forwarded and anything else is refused
/// with an error that names it. <c>client_encoding</c> is pinned to UTF8: the proxy reads queries as UTF-8 and must
/// read them exactly as the server will.
/// </summary>
public static class StartupParameterFilter
{
    public const string UpstreamClientEncoding = "UTF8";

    /// <summary>Names compared case-insensitively, as the server's GUC lookup does.</summary>
    private static readonly HashSet<string> Forwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "application_name",
        "DateStyle",
        "TimeZone",
        "IntervalStyle",
        "extra_float_digits",
    };

    /// <summary>Spellings of UTF-8 the server accepts, plus SQL_ASCII which libpq picks in a C locale: it reads UTF-8 fine.</summary>
    private static readonly HashSet<string> AcceptedEncodings = new(StringComparer.OrdinalIgnoreCase)
    {
        "UTF8", "UTF-8", "UNICODE", "SQL_ASCII",
    };

    /// <summary>Consumed by the proxy itself; never forwarded and never an error.</summary>
    private static readonly HashSet<string> Consumed = new(StringComparer.Ordinal) { "user", "database" };

    /// <summary>The parameters to send upstream, or the FATAL error for the client.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Filter(
        IReadOnlyList<KeyValuePair<string, string>> requested,
        out PostgresError? error)
    {
        error = null;
        var forwarded = new List<KeyValuePair<string, string>>(requested.Count + 1);
        foreach (var (name, value) in requested)
        {
            if (Consumed.Contains(name) || name.StartsWith("_pq_.", StringComparison.Ordinal))
            {
                continue; // protocol options are answered by NegotiateProtocolVersion, not forwarded
            }

            if (name.Equals("client_encoding", StringComparison.OrdinalIgnoreCase))
            {
                if (!AcceptedEncodings.Contains(value))
                {
                    error = PostgresError.Fatal(
                        SqlState.InvalidParameterValue,
                        $"invalid value for parameter \"client_encoding\": \"{value}\"",
                        hint: "This proxy only accepts client_encoding UTF8.");
                    return [];
                }

                continue;
            }

            if (!Forwarded.Contains(name))
            {
                error = PostgresError.Fatal(
                    SqlState.InsufficientPrivilege,
                    $"startup parameter \"{name}\" is not allowed through this proxy",
                    hint: "Allowed: application_name, client_encoding (UTF8), DateStyle, TimeZone, IntervalStyle, extra_float_digits.");
                return [];
            }

            forwarded.Add(new(name, value));
        }

        forwarded.Add(new("client_encoding", UpstreamClientEncoding));
        return forwarded;
    }
}
