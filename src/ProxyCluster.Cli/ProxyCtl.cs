using System.CommandLine;
using System.CommandLine.Invocation;
using ProxyCluster.Cli.Commands;
using ProxyCluster.Cli.Commands.Audit;
using ProxyCluster.Cli.Commands.Cluster;
using ProxyCluster.Cli.Commands.Sessions;

namespace ProxyCluster.Cli;

/// <summary>proxyctl's command tree and its one entry point, shared by <c>Program</c> and the tests.</summary>
internal static class ProxyCtl
{
    private const string Description =
        "proxyctl: administer a ProxyCluster (a token-authenticating PostgreSQL proxy). Clients connect with a token " +
        "instead of a database password; proxyctl mints and manages those tokens through any node's admin API.\n\n" +
        "Usage: proxyctl [--node HOST:PORT] [--admin-token-file FILE] [--json] <palette> <command>\n\n" +
        "Examples:\n" +
        "  proxyctl token create --principal billing-svc --route sales --expires-in 30d\n" +
        "  proxyctl --node 127.0.0.1:7001 token list --status active\n" +
        "  proxyctl token revoke pct_abcdefghijkl --reason \"leaked in a CI log\"\n" +
        "  proxyctl session list --json\n" +
        "  proxyctl audit search --table sales.orders --decision deny --since 1h\n" +
        "  proxyctl audit tail --token abcdefghijkl --follow\n\n" +
        "Exit codes: 0 ok, 1 failure, 2 usage or invalid request, 3 not found, 4 conflict, 5 node unavailable, 6 unauthorized.";

    public static RootCommand CreateRoot(CliEnvironment environment)
    {
        var global = new GlobalOptions();
        return new RootCommand(Description)
        {
            global.Node,
            global.AdminTokenFile,
            global.Json,
            TokenCommand.Create(global, environment),
            SessionCommand.Create(global, environment),
            ClusterCommand.Create(global, environment),
            AuditCommand.Create(global, environment),
            Commands.Jwt.JwtCommand.Create(global, environment),
        };
    }

    /// <summary>Parses and runs one command line; the exit code, 2 for any command line System.CommandLine refused.</summary>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args,
        CliEnvironment environment,
        TextWriter? output = null,
        TextWriter? error = null,
        CancellationToken cancellation = default)
    {
        var parseResult = CreateRoot(environment).Parse(args);
        var configuration = new InvocationConfiguration();
        if (output is not null)
        {
            configuration.Output = output;
        }

        if (error is not null)
        {
            configuration.Error = error;
        }

        var exitCode = await parseResult.InvokeAsync(configuration, cancellation).ConfigureAwait(false);

        // System.CommandLine reports parse errors with exit code 1; proxyctl keeps 1 for failures and uses 2 for usage.
        return parseResult.Action is ParseErrorAction ? ExitCodes.Usage : exitCode;
    }
}
