using System.CommandLine;

namespace ProxyCluster.Cli.Commands.Jwt;

/// <summary><c>proxyctl jwt …</c>: JWTs from an identity provider, which nodes accept as passwords.</summary>
internal static class JwtCommand
{
    public static Command Create(GlobalOptions global, CliEnvironment environment) =>
        new("jwt", "Manage JWTs from your identity provider that nodes accept as passwords.")
        {
            JwtRevokeCommand.Create(global, environment),
        };
}
