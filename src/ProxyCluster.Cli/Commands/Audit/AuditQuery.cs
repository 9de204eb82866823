using System.Globalization;
using System.Text;

namespace ProxyCluster.Cli.Commands.Audit;

/// <summary>One <c>GET /v1/audit</c> request: the filters given on the command line, as query parameters.</summary>
internal sealed record AuditQuery
{
    public string? TokenId { get; init; }

    public string? Table { get; init; }

    /// <summary><c>allow</c> or <c>deny</c>.</summary>
    public string? Decision { get; init; }

    /// <summary><c>session</c> or <c>statement</c>.</summary>
    public string? Type { get; init; }

    public DateTimeOffset? Since { get; init; }

    public DateTimeOffset? Until { get; init; }

    public long? AfterId { get; init; }

    public int? Limit { get; init; }

    /// <summary>The relative path and query string, every value escaped; parameters not given are left out.</summary>
    public string ToPath()
    {
        var path = new StringBuilder("v1/audit");
        var separator = '?';
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                path.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
                separator = '&';
            }
        }

        Add("token", TokenId);
        Add("table", Table);
        Add("decision", Decision);
        Add("type", Type);
        Add("since", Since is { } since ? FormatTime(since) : null);
        Add("until", Until is { } until ? FormatTime(until) : null);
        Add("after", AfterId?.ToString(CultureInfo.InvariantCulture));
        Add("limit", Limit?.ToString(CultureInfo.InvariantCulture));
        return path.ToString();
    }

    /// <summary>UTC ISO 8601, the fraction only as long as it needs to be (none for whole seconds).</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
