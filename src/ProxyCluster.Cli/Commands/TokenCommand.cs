using System.CommandLine;
using ProxyCluster.Cli.Commands.Tokens;

namespace ProxyCluster.Cli.Commands;

/// <summary>
/// <c>proxyctl token …</c>: the token palette. <c>mint</c> works offline (bootstrap files); the others go through a
/// node's admin API.
/// </summary>
internal static class TokenCommand
{
    public static Command Create(GlobalOptions global, CliEnvironment environment) =>
        new("token", "Mint and manage API tokens (the credentials clients connect with).")
        {
            TokenCreateCommand.Create(global, environment),
            TokenListCommand.Create(global, environment),
            TokenShowCommand.Create(global, environment),
            TokenRevokeCommand.Create(global, environment),
            TokenRotateCommand.Create(global, environment),
            TokenUpdateCommand.Create(global, environment),
            TokenMintCommand.Create(global.Json),
        };
}
