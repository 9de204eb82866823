using System.CommandLine;
using ProxyCluster.Cli.Admin;
using ProxyCluster.Cli.Output;

namespace ProxyCluster.Cli.Commands.Jwt;

/// <summary>
/// <c>proxyctl jwt revoke --issuer ISS --jti ID --reason TEXT</c> (<c>POST /v1/jwt/revoke</c>): the JWT is refused
/// by every node and its live sessions end, through the same journal as API tokens. Exit 0 once committed.
/// </summary>
internal static class JwtRevokeCommand
{
    public static Command Create(GlobalOptions global, CliEnvironment environment)
    {
        var issuer = new Option<string>("--issuer") { Description = "The JWT's iss, exactly.", HelpName = "ISS", Required = true };
        issuer.Validators.Add(CommandLineParsers.RequireText);
        var jti = new Option<string?>("--jti") { Description = "The JWT's jti (its unique id).", HelpName = "ID" };
        var subject = new Option<string?>("--subject") { Description = "For JWTs without a jti: their sub.", HelpName = "SUB" };
        var reason = CommonOptions.RevocationReason();
        var actor = CommonOptions.Actor();

        var command = new Command("revoke", "Revoke a JWT for good: every node refuses it and ends its live sessions.")
        {
            issuer,
            jti,
            subject,
            reason,
            actor,
        };
        command.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValue(jti)) == string.IsNullOrWhiteSpace(result.GetValue(subject)))
            {
                result.AddError("give exactly one of --jti or --subject");
            }
        });
        command.SetAction((parseResult, cancellation) => AdminCall.RunAsync(parseResult, global, environment, call => RunAsync(
            call,
            new RevokeJwtRequest(parseResult.GetRequiredValue(issuer), parseResult.GetValue(jti), parseResult.GetValue(subject), parseResult.GetRequiredValue(reason), parseResult.GetValue(actor))),
            cancellation));
        return command;
    }

    private static async Task<int> RunAsync(AdminCall call, RevokeJwtRequest request)
    {
        var result = await call.Client.PostAsync("v1/jwt/revoke", request, AdminJsonContext.Default.RevokeJwtRequest, call.Cancellation).ConfigureAwait(false);
        if (!result.TryRead(AdminJsonContext.Default.RevokeTokenResponse, out var answer, out var failure))
        {
            return call.Fail(failure);
        }

        if (call.Json)
        {
            return call.WriteJson(result.Body!);
        }

        var id = answer.Token?.Id;
        call.Output.WriteLine(answer.AlreadyRevoked
            ? $"That JWT (id {Cell.Text(id)}) was already revoked. Nothing changed."
            : $"Revoked the JWT (id {Cell.Text(id)}). Committed: the nodes refuse it from now on and end its live sessions.");
        return ExitCodes.Ok;
    }
}
