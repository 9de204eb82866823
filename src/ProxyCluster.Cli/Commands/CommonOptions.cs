using System.CommandLine;

namespace ProxyCluster.Cli.Commands;

/// <summary>Options more than one palette uses, built fresh for each command (an option belongs to one command).</summary>
internal static class CommonOptions
{
    /// <summary><c>--reason TEXT</c>, required: why a token or JWT is revoked.</summary>
    public static Option<string> RevocationReason()
    {
        var option = new Option<string>("--reason")
        {
            Description = "Why, for the journal, the audit trail and the error its live sessions are ended with.",
            HelpName = "TEXT",
            Required = true,
        };
        option.Validators.Add(CommandLineParsers.RequireText);
        return option;
    }

    /// <summary><c>--actor</c>: who is doing it, sent as <c>actor</c> and left out when not given.</summary>
    public static Option<string?> Actor()
    {
        var option = new Option<string?>("--actor")
        {
            Description = "Who is doing this, for the journal and the audit trail. Default: what the node records for its admin API.",
            HelpName = "NAME",
        };
        option.Validators.Add(CommandLineParsers.RequireText);
        return option;
    }
}
