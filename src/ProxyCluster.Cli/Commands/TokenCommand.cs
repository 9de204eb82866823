using System.CommandLine;

namespace ProxyCluster.Cli.Commands;

/// <summary>
/// <c>proxyctl token …</c>: the token group. Today only <c>mint</c>, which works offline; create, list, show,
/// revoke and rotate will join it once nodes serve the admin API.
/// </summary>
internal static class TokenCommand
{
    public static Command Create() =>
        new("token", "Mint and manage API tokens (the credentials clients connect with).")
        {
            TokenMintCommand.Create(),
        };
}
