namespace ProxyCluster.Cli;

/// <summary>proxyctl's exit codes. Scripts may rely on them.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Anything that went wrong after the command line was understood (I/O, later: the node said no).</summary>
    public const int Failure = 1;

    /// <summary>The command line itself was wrong: unknown option, missing value, bad duration.</summary>
    public const int Usage = 2;
}
