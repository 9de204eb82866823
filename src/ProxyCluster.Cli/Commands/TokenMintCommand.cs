using System.CommandLine;
using ProxyCluster.Tokens;

namespace ProxyCluster.Cli.Commands;

/// <summary>
/// <c>proxyctl token mint</c>: mints a token locally and prints it once, with the bootstrap line a node needs to
/// accept it. Until the control plane exists this is how tokens are issued; the node never sees the token, only the
/// verifiers in that line.
/// </summary>
internal static class TokenMintCommand
{
    /// <param name="json">The global <c>--json</c> (<see cref="GlobalOptions.Json"/>), accepted before or after <c>mint</c>.</param>
    public static Command Create(Option<bool> json)
    {
        var principal = new Option<string>("--principal")
        {
            Description = "Who the token speaks for, a person or a service (shown in sessions and audit).",
            HelpName = "NAME",
            Required = true,
        };
        principal.Validators.Add(CommandLineParsers.RequireText);

        var routes = new Option<string[]>("--route")
        {
            Description = "An upstream database the token may connect to. Repeat for several; omit for every route.",
            HelpName = "DB",
        };
        routes.Validators.Add(CommandLineParsers.RequireText);

        var policy = new Option<string>("--policy")
        {
            Description = "The name of the policy applied to the token's statements.",
            HelpName = "NAME",
            DefaultValueFactory = _ => TokenRecord.DefaultPolicy,
        };
        policy.Validators.Add(CommandLineParsers.RequireText);

        var expiresIn = new Option<TimeSpan?>("--expires-in")
        {
            Description = "Expire the token this long after minting: a number and a unit s, m, h, d or w, e.g. 30m, " +
                "12h, 7d, 1d12h. Default: never.",
            HelpName = "DURATION",
            CustomParser = CommandLineParsers.ParseDuration,
        };

        var appendTo = new Option<FileInfo?>("--append-to")
        {
            Description = "Also append the bootstrap line to this token file, creating it with mode 0600 if missing.",
            HelpName = "FILE",
        };

        var command = new Command(
            "mint",
            "Mint a new token locally and print it once, with the user name to connect as and the bootstrap line " +
            "to add to a node's token file. The token itself is stored nowhere: keep it.")
        {
            principal,
            routes,
            policy,
            expiresIn,
            appendTo,
        };

        command.SetAction(parseResult =>
        {
            var request = new MintRequest(
                parseResult.GetRequiredValue(principal),
                parseResult.GetValue(routes) ?? [],
                parseResult.GetRequiredValue(policy),
                parseResult.GetValue(expiresIn),
                parseResult.GetValue(appendTo)?.FullName);
            return Run(request, parseResult.GetValue(json), parseResult.InvocationConfiguration, TimeProvider.System);
        });
        return command;
    }

    private static int Run(MintRequest request, bool json, InvocationConfiguration console, TimeProvider time)
    {
        var minted = MintedToken.Mint(request, time.GetUtcNow());

        if (request.AppendTo is { } path)
        {
            try
            {
                TokenFileAppender.AppendLine(path, minted.BootstrapLine);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Nothing was printed and nothing persisted: the minted token is simply dropped.
                console.Error.WriteLine($"proxyctl: cannot append to {path}: {e.Message}");
                return ExitCodes.Failure;
            }
        }

        if (json)
        {
            console.Output.WriteLine(MintedTokenWriter.ToJson(minted));
        }
        else
        {
            MintedTokenWriter.WriteText(console.Output, minted, request.AppendTo);
        }

        return ExitCodes.Ok;
    }
}
