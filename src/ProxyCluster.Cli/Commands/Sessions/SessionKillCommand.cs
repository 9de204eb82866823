using System.CommandLine;
using ProxyCluster.Cli.Admin;
using ProxyCluster.Cli.Output;

namespace ProxyCluster.Cli.Commands.Sessions;

/// <summary>
/// <c>proxyctl session kill ID</c> (<c>POST /v1/sessions/{id}/kill</c>): ends one session with a FATAL error; any
/// node accepts it and forwards it to the owning node. The token stays valid: revoke it to keep it out.
/// </summary>
internal static class SessionKillCommand
{
    public static Command Create(GlobalOptions global, CliEnvironment environment)
    {
        var id = new Argument<string>("ID") { Description = "The session, as session list shows it: <node ordinal>-<n>." };
        id.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && string.IsNullOrWhiteSpace(result.Tokens[0].Value))
            {
                result.AddError("the session id must not be empty.");
            }
        });
        var reason = new Option<string?>("--reason")
        {
            Description = "Why, for the audit trail and the error the client is sent.",
            HelpName = "TEXT",
        };
        reason.Validators.Add(CommandLineParsers.RequireText);
        var actor = CommonOptions.Actor();

        var command = new Command("kill", "End one client session now, on whichever node owns it. The token stays valid.")
        {
            id,
            reason,
            actor,
        };
        command.SetAction((parseResult, cancellation) => AdminCall.RunAsync(parseResult, global, environment, call => RunAsync(
            call,
            parseResult.GetRequiredValue(id).Trim(),
            parseResult.GetValue(reason),
            parseResult.GetValue(actor)), cancellation));
        return command;
    }

    private static async Task<int> RunAsync(AdminCall call, string id, string? reason, string? actor)
    {
        var result = await call.Client.PostAsync(
            $"v1/sessions/{Uri.EscapeDataString(id)}/kill",
            new KillSessionRequest(reason, actor),
            AdminJsonContext.Default.KillSessionRequest,
            call.Cancellation).ConfigureAwait(false);
        if (!result.TryRead(AdminJsonContext.Default.KillSessionResponse, out var answer, out var failure))
        {
            return call.Fail(failure);
        }

        if (call.Json)
        {
            return call.WriteJson(result.Body!);
        }

        var session = answer.Session;
        call.Output.WriteLine(
            $"Killed session {id} ({Cell.Text(session?.Principal)} on {Cell.Text(session?.Database)}, node {Cell.Text(session?.NodeId)}).");
        return ExitCodes.Ok;
    }
}
