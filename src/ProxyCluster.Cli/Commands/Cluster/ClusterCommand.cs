using System.CommandLine;

namespace ProxyCluster.Cli.Commands.Cluster;

/// <summary><c>proxyctl cluster …</c>: the nodes and the control store.</summary>
internal static class ClusterCommand
{
    public static Command Create(GlobalOptions global, CliEnvironment environment) =>
        new("cluster", "Look at the cluster: its nodes and its control store.")
        {
            ClusterShowCommand.Create(global, environment),
        };
}
