using System.CommandLine;

namespace ProxyCluster.Cli.Commands.Tokens;

/// <summary>Options several token commands share, built fresh for each (an option belongs to one command).</summary>
internal static class TokenOptions
{
    public static Option<string?> Policy(string description)
    {
        var option = new Option<string?>("--policy") { Description = description, HelpName = "NAME|FILE" };
        option.Validators.Add(CommandLineParsers.RequireText);
        return option;
    }

    public static Option<string[]> Routes(string description)
    {
        var option = new Option<string[]>("--route") { Description = description, HelpName = "DB" };
        option.Validators.Add(CommandLineParsers.RequireText);
        return option;
    }

    public static Option<TimeSpan?> ExpiresIn(string description) => new("--expires-in")
    {
        Description = description,
        HelpName = "DURATION",
        CustomParser = CommandLineParsers.ParseDuration,
    };
}
