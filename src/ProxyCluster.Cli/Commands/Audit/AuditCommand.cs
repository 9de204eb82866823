using System.CommandLine;

namespace ProxyCluster.Cli.Commands.Audit;

/// <summary><c>proxyctl audit …</c>: read the audit trail the nodes write to the control store.</summary>
internal static class AuditCommand
{
    public static Command Create(GlobalOptions global, CliEnvironment environment) =>
        new("audit", "Read the cluster's audit trail (session events and statements, never a secret) from the control store.")
        {
            AuditSearchCommand.Create(global, environment),
            AuditTailCommand.Create(global, environment),
        };
}
