using System.CommandLine;

namespace ProxyCluster.Cli.Commands.Sessions;

/// <summary><c>proxyctl session …</c>: client sessions live on the nodes.</summary>
internal static class SessionCommand
{
    public static Command Create(GlobalOptions global, CliEnvironment environment) =>
        new("session", "List and end client sessions across the cluster.")
        {
            SessionListCommand.Create(global, environment),
            SessionKillCommand.Create(global, environment),
        };
}
