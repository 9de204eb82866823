using System.CommandLine;
using ProxyCluster.Cli.Admin;
using ProxyCluster.Cli.Output;

namespace ProxyCluster.Cli.Commands.Cluster;

/// <summary><c>proxyctl cluster show</c> (<c>GET /v1/cluster</c>): the members as the answering node sees them.</summary>
internal static class ClusterShowCommand
{
    public static Command Create(GlobalOptions global, CliEnvironment environment)
    {
        var command = new Command(
            "show",
            "Show the cluster's members (state, addresses, version, heartbeat, journal position) and whether the control store is reachable.");
        command.SetAction((parseResult, cancellation) => AdminCall.RunAsync(parseResult, global, environment, RunAsync, cancellation));
        return command;
    }

    private static async Task<int> RunAsync(AdminCall call)
    {
        var result = await call.Client.GetAsync("v1/cluster", call.Cancellation).ConfigureAwait(false);
        if (!result.TryRead(AdminJsonContext.Default.ClusterResponse, out var cluster, out var failure))
        {
            return call.Fail(failure);
        }

        if (call.Json)
        {
            return call.WriteJson(result.Body!);
        }

        call.Output.WriteLine($"Answered by {Cell.Text(cluster.Self)}; control store {Cell.Text(cluster.ControlStore)}.");
        call.Output.WriteLine();
        var table = new TableWriter("NODE", "ORDINAL", "STATE", "POSTGRES", "ADMIN", "VERSION", "STARTED", "HEARTBEAT", "JOURNAL");
        foreach (var member in cluster.Members)
        {
            table.AddRow(
                member.NodeId,
                Cell.Number(member.Ordinal),
                member.State,
                Cell.List(member.PostgresAddresses),
                member.AdminUrl,
                member.Version,
                Cell.Time(member.StartedAt),
                Cell.Time(member.LastHeartbeat),
                Cell.Number(member.JournalPosition));
        }

        table.WriteTo(call.Output);
        return ExitCodes.Ok;
    }
}
