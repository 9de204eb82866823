namespace ProxyCluster.Cli.Admin;

/// <summary>Why a command could not do its work: the message for stderr and the exit code (see <see cref="ExitCodes"/>).</summary>
internal sealed record AdminFailure(int ExitCode, string Message)
{
    public static AdminFailure Usage(string message) => new(ExitCodes.Usage, message);

    public static AdminFailure Failure(string message) => new(ExitCodes.Failure, message);

    public static AdminFailure Unavailable(string message) => new(ExitCodes.Unavailable, message);
}
