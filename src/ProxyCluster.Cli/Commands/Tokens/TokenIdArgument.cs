using System.CommandLine;
using System.CommandLine.Parsing;
using ProxyCluster.Tokens;

namespace ProxyCluster.Cli.Commands.Tokens;

/// <summary>The <c>ID</c> of the token commands: the 12-character id or the user name <c>pct_&lt;id&gt;</c>, parsed to the bare id.</summary>
internal static class TokenIdArgument
{
    public static Argument<string> Create() => new("ID")
    {
        Description = "The token: its 12-character id or its user name pct_<id>.",
        CustomParser = Parse,
    };

    /// <summary>The bare id, or null when <paramref name="text"/> is not one; the text is never echoed (it might be a token).</summary>
    public static string? Normalize(string text)
    {
        var id = ApiToken.NormalizeUserToId(text.Trim());
        return ApiToken.IsValidId(id) ? id : null;
    }

    private static string Parse(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Normalize(text) is { } id)
        {
            return id;
        }

        result.AddError(ApiToken.TryParse(text, out _)
            ? "that is a whole token, secret included: pass only its id or user name (pct_<id>), and consider rotating it."
            : "not a token id: expected 12 characters of [a-z0-9], or the user name pct_<id>.");
        return "";
    }
}
