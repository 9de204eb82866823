using System.CommandLine;
using ProxyCluster.Cli.Connection;

namespace ProxyCluster.Cli.Commands;

/// <summary>The options every command accepts, before or after its name (<c>proxyctl --json token list</c> = <c>proxyctl token list --json</c>).</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Node { get; } = new("--node")
    {
        Description = $"The node whose admin API to use: host:port or http://host:port. Default: ${ConnectionResolver.NodeVariable}, " +
            $"else the first of {ConnectionResolver.AdminUrlsKey} in {ClusterEnvFile.RelativePath} (searched upwards from the " +
            "working directory, then from proxyctl's own).",
        HelpName = "HOST:PORT",
        Recursive = true,
    };

    public Option<string?> AdminTokenFile { get; } = new("--admin-token-file")
    {
        Description = $"A file holding the node's admin token. Default: ${ConnectionResolver.AdminTokenVariable} (the token itself), " +
            $"else the file ${ConnectionResolver.AdminTokenFileVariable} names, else {ConnectionResolver.AdminTokenFileKey} in cluster.env. " +
            "The token is sent as a bearer header and never printed.",
        HelpName = "FILE",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print JSON for scripts instead of tables and text: one object on one line, the node's answer " +
            "(token create, rotate and mint add the token itself).",
        Recursive = true,
    };
}
