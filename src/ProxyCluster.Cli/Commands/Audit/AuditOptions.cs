using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using ProxyCluster.Cli.Commands.Tokens;
using ProxyCluster.Tokens;

namespace ProxyCluster.Cli.Commands.Audit;

/// <summary>The options the audit commands share, built fresh for each command.</summary>
internal static class AuditOptions
{
    public const int MaxLimit = 1000;

    public static Option<string?> Token() => new("--token")
    {
        Description = "Only this token's records: its 12-character id or its user name pct_<id>.",
        HelpName = "ID",
        CustomParser = ParseTokenId,
    };

    public static Option<int> Limit(int defaultValue, string description) => new("--limit")
    {
        Description = $"{description} (1 to {MaxLimit}).",
        HelpName = "N",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = ParseLimit,
    };

    /// <summary>
    /// A time option: an ISO 8601 time (UTC when it has no offset), or a duration meaning that long ago
    /// (<c>1h</c>, also written <c>1h-ago</c>), taken from <paramref name="environment"/>'s clock.
    /// </summary>
    public static Option<DateTimeOffset?> Time(string name, string description, CliEnvironment environment) => new(name)
    {
        Description = $"{description}: an ISO 8601 time (2030-01-02T03:04:05Z; UTC when it has no offset) or a duration ago " +
            $"({CommandLineParsers.DurationHelp}; 1h = an hour ago).",
        HelpName = "TIME|DURATION",
        CustomParser = result => ParseTime(result, environment.Time),
    };

    private static DateTimeOffset? ParseTime(ArgumentResult result, TimeProvider time)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value.Trim() : "";
        var duration = text.EndsWith("-ago", StringComparison.OrdinalIgnoreCase) ? text[..^"-ago".Length] : text;
        if (TokenDuration.TryParse(duration, out var ago))
        {
            return time.GetUtcNow() - ago;
        }

        if (text.Length > 0 && char.IsAsciiDigit(text[0])
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return at;
        }

        var option = (result.Parent as OptionResult)?.Option.Name ?? "the time";
        result.AddError($"'{text}' is not a time for {option}: use an ISO 8601 time such as 2030-01-02T03:04:05Z, or a duration ago such as 30m, 1h or 7d.");
        return null;
    }

    private static int ParseLimit(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= MaxLimit)
        {
            return limit;
        }

        result.AddError($"--limit must be a whole number between 1 and {MaxLimit}, not '{text}'.");
        return 0;
    }

    private static string? ParseTokenId(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (TokenIdArgument.Normalize(text) is { } id)
        {
            return id;
        }

        // Never echo the text: it might be a whole token.
        result.AddError(ApiToken.TryParse(text, out _)
            ? "--token: that is a whole token, secret included: pass only its id or user name (pct_<id>), and consider rotating it."
            : "--token: not a token id: expected 12 characters of [a-z0-9], or the user name pct_<id>.");
        return null;
    }
}
