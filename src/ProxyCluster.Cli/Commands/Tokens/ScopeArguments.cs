namespace ProxyCluster.Cli.Commands.Tokens;

/// <summary>What <c>--policy</c> (a policy name or a policy file) and <c>--expires-in</c> mean, shared by create and update.</summary>
internal static class ScopeArguments
{
    /// <summary>False when <c>--policy</c> names a file that cannot be used; the failure is reported and its exit code set.</summary>
    public static bool TryResolve(
        AdminCall call,
        string? policyValue,
        TimeSpan? expiresIn,
        out PolicyChoice? policy,
        out DateTimeOffset? expiresAt,
        out int failedExitCode)
    {
        policy = null;
        expiresAt = expiresIn is { } lifetime ? CommandLineParsers.ExpiryAfter(call.Environment.Time.GetUtcNow(), lifetime) : null;
        failedExitCode = 0;
        if (policyValue is not null && !PolicyChoice.TryResolve(policyValue, call.Environment, out policy, out var failure))
        {
            failedExitCode = call.Fail(failure);
            return false;
        }

        return true;
    }
}
