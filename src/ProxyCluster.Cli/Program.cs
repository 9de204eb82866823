using System.CommandLine;
using System.CommandLine.Invocation;
using ProxyCluster.Cli;
using ProxyCluster.Cli.Commands;

var root = new RootCommand(
    "proxyctl: administer a ProxyCluster (a token-authenticating PostgreSQL proxy). Clients connect with a token " +
    "instead of a database password; proxyctl mints and manages those tokens.")
{
    TokenCommand.Create(),
};

var parseResult = root.Parse(args);

// System.CommandLine reports parse errors with exit code 1; proxyctl keeps 1 for failures and uses 2 for usage.
var exitCode = parseResult.Invoke();
return parseResult.Action is ParseErrorAction ? ExitCodes.Usage : exitCode;
