using System.CommandLine;
using ProxyCluster.Cli.Admin;
using ProxyCluster.Cli.Output;

namespace ProxyCluster.Cli.Commands.Tokens;

/// <summary>
/// <c>proxyctl token revoke ID --reason TEXT</c> (<c>POST /v1/tokens/{id}/revoke</c>). Exit 0 means the node
/// answered 200, which it does only once the revocation is committed; revoking a revoked token is also 0.
/// </summary>
internal static class TokenRevokeCommand
{
    public static Command Create(GlobalOptions global, CliEnvironment environment)
    {
        var id = TokenIdArgument.Create();
        var reason = CommonOptions.RevocationReason();
        var actor = CommonOptions.Actor();

        var command = new Command(
            "revoke",
            "Revoke a token for good: every node refuses it and ends its live sessions. Returns once the revocation is committed.")
        {
            id,
            reason,
            actor,
        };
        command.SetAction((parseResult, cancellation) => AdminCall.RunAsync(parseResult, global, environment, call => RunAsync(
            call,
            parseResult.GetRequiredValue(id),
            parseResult.GetRequiredValue(reason),
            parseResult.GetValue(actor)), cancellation));
        return command;
    }

    private static async Task<int> RunAsync(AdminCall call, string id, string reason, string? actor)
    {
        var result = await call.Client.PostAsync(
            $"v1/tokens/{id}/revoke",
            new RevokeTokenRequest(reason, actor),
            AdminJsonContext.Default.RevokeTokenRequest,
            call.Cancellation).ConfigureAwait(false);
        if (!result.TryRead(AdminJsonContext.Default.RevokeTokenResponse, out var answer, out var failure))
        {
            return call.Fail(failure);
        }

        if (call.Json)
        {
            return call.WriteJson(result.Body!);
        }

        var token = answer.Token;
        if (answer.AlreadyRevoked)
        {
            call.Output.WriteLine(
                $"Token {id} was already revoked ({Cell.Time(token?.EndedAt)} by {Cell.Text(token?.EndedBy)}: {Cell.Text(token?.EndReason)}). Nothing changed.");
        }
        else
        {
            call.Output.WriteLine($"Revoked token {id} ({Cell.Text(token?.Principal)}). Committed: the nodes refuse it from now on and end its live sessions.");
        }

        return ExitCodes.Ok;
    }
}
