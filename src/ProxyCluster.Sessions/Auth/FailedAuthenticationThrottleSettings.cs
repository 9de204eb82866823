namespace ProxyCluster.Sessions.Auth;

/// <summary>How hard <see cref="FailedAuthenticationThrottle"/> slows an address that keeps failing to authenticate.</summary>
public sealed record FailedAuthenticationThrottleSettings
{
    /// <summary>Failures an address may make before any is slowed: enough for a person's typos.</summary>
    public int FreeAttempts { get; init; } = 5;

    /// <summary>The delay of the first failure past <see cref="FreeAttempts"/>; each further one doubles it.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The most any one attempt is held.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>An address that has not failed for this long starts over with its free attempts.</summary>
    public TimeSpan ForgetAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Addresses remembered at most; beyond it the one that failed longest ago is forgotten, so a flood of addresses cannot exhaust memory.</summary>
    public int MaxTrackedAddresses { get; init; } = 100_000;

    /// <summary>
    /// The delay of an address's <paramref name="failures"/>-th failure: none within the free attempts, then
    /// <c>min(BaseDelay × 2^(failures − FreeAttempts − 1), MaxDelay)</c>.
    /// </summary>
    public TimeSpan DelayAfter(int failures)
    {
        if (failures <= FreeAttempts)
        {
            return TimeSpan.Zero;
        }

        // In double, so a long run of failures saturates at MaxDelay instead of overflowing.
        var ticks = BaseDelay.Ticks * Math.Pow(2, failures - FreeAttempts - 1);
        return ticks >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)ticks);
    }
}
