using System.CommandLine.Parsing;
using ProxyCluster.Tokens;

namespace ProxyCluster.Cli.Commands;

/// <summary>Parsers and validators shared by the commands; a failure becomes a parse error, so exit code 2.</summary>
internal static class CommandLineParsers
{
    public const string DurationHelp = "a number and a unit s, m, h, d or w, e.g. 30m, 12h, 7d, 1d12h";

    /// <summary>A positive duration (<see cref="TokenDuration"/>).</summary>
    public static TimeSpan? ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (TokenDuration.TryParse(text, out var duration))
        {
            return duration;
        }

        result.AddError($"'{text}' is not a duration for {OptionName(result)}: use {DurationHelp}.");
        return null;
    }

    /// <summary>A duration that may also be zero, written <c>0</c>.</summary>
    public static TimeSpan ParseDurationOrZero(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (text is "0" or "0s")
        {
            return TimeSpan.Zero;
        }

        if (TokenDuration.TryParse(text, out var duration))
        {
            return duration;
        }

        result.AddError($"'{text}' is not a duration for {OptionName(result)}: use 0 or {DurationHelp}.");
        return TimeSpan.Zero;
    }

    public static void RequireText(OptionResult result)
    {
        foreach (var token in result.Tokens)
        {
            if (string.IsNullOrWhiteSpace(token.Value))
            {
                result.AddError($"{result.Option.Name} must not be empty.");
                return;
            }
        }
    }

    /// <summary>Whole seconds: an expiry is read by people and diffed in files.</summary>
    public static DateTimeOffset ExpiryAfter(DateTimeOffset now, TimeSpan lifetime) =>
        DateTimeOffset.FromUnixTimeSeconds((now + lifetime).ToUnixTimeSeconds());

    private static string OptionName(ArgumentResult result) => (result.Parent as OptionResult)?.Option.Name ?? "the duration";
}
