using System.CommandLine;
using ProxyCluster.Cli.Admin;
using ProxyCluster.Cli.Output;

namespace ProxyCluster.Cli.Commands.Sessions;

/// <summary>
/// <c>proxyctl session list</c> (<c>GET /v1/sessions</c>): every node's live sessions, as the answering node
/// gathers them. Nodes it could not ask are named on stderr; the list is then incomplete but the exit code is 0.
/// </summary>
internal static class SessionListCommand
{
    public static Command Create(GlobalOptions global, CliEnvironment environment)
    {
        var local = new Option<bool>("--local") { Description = "Only the sessions of the node proxyctl talks to." };
        var command = new Command("list", "List live client sessions: id (<node ordinal>-<n>), node, token, principal, database, client, start.")
        {
            local,
        };
        command.SetAction((parseResult, cancellation) => AdminCall.RunAsync(
            parseResult, global, environment, call => RunAsync(call, parseResult.GetValue(local)), cancellation));
        return command;
    }

    private static async Task<int> RunAsync(AdminCall call, bool local)
    {
        var result = await call.Client.GetAsync(local ? "v1/sessions?local=true" : "v1/sessions", call.Cancellation).ConfigureAwait(false);
        if (!result.TryRead(AdminJsonContext.Default.SessionListResponse, out var list, out var failure))
        {
            return call.Fail(failure);
        }

        if (list.UnreachableNodes.Count > 0)
        {
            call.Error.WriteLine($"proxyctl: warning: sessions on {string.Join(", ", list.UnreachableNodes)} are missing: the node could not be reached.");
        }

        if (call.Json)
        {
            return call.WriteJson(result.Body!);
        }

        if (list.Sessions.Count == 0)
        {
            call.Output.WriteLine("No sessions.");
            return ExitCodes.Ok;
        }

        var table = new TableWriter("ID", "NODE", "TOKEN", "PRINCIPAL", "DATABASE", "CLIENT", "STARTED");
        foreach (var session in list.Sessions)
        {
            table.AddRow(
                session.Id,
                session.NodeId,
                session.TokenId,
                session.Principal,
                session.Database,
                session.ClientAddress,
                Cell.Time(session.StartedAt));
        }

        table.WriteTo(call.Output);
        return ExitCodes.Ok;
    }
}
