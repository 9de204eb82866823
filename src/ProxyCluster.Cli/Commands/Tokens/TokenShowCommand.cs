using System.CommandLine;
using ProxyCluster.Cli.Admin;

namespace ProxyCluster.Cli.Commands.Tokens;

/// <summary><c>proxyctl token show ID</c>: one token (<c>GET /v1/tokens/{id}</c>); the node never has a secret to show.</summary>
internal static class TokenShowCommand
{
    public static Command Create(GlobalOptions global, CliEnvironment environment)
    {
        var id = TokenIdArgument.Create();
        var command = new Command("show", "Show one token: scopes, status, who issued and ended it, its secrets' deadlines. Never a secret.")
        {
            id,
        };
        command.SetAction((parseResult, cancellation) => AdminCall.RunAsync(
            parseResult, global, environment, call => RunAsync(call, parseResult.GetRequiredValue(id)), cancellation));
        return command;
    }

    private static async Task<int> RunAsync(AdminCall call, string id)
    {
        var result = await call.Client.GetAsync($"v1/tokens/{id}", call.Cancellation).ConfigureAwait(false);
        if (!result.TryRead(AdminJsonContext.Default.TokenView, out var token, out var failure))
        {
            return call.Fail(failure);
        }

        if (call.Json)
        {
            return call.WriteJson(result.Body!);
        }

        TokenViewWriter.WriteDetails(call.Output, token);
        return ExitCodes.Ok;
    }
}
