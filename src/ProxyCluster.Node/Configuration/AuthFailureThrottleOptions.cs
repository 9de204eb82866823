using ProxyCluster.Sessions.Auth;

namespace ProxyCluster.Node.Configuration;

/// <summary>
/// How failed authentications are slowed per client address (<c>Proxy:AuthFailureThrottle</c>): past
/// <see cref="FreeAttempts"/>, each failure's refusal waits <see cref="BaseDelayMilliseconds"/>, doubling per further
/// failure up to <see cref="MaxDelayMilliseconds"/>.
/// </summary>
public sealed class AuthFailureThrottleOptions
{
    public int FreeAttempts { get; set; } = 5;

    public int BaseDelayMilliseconds { get; set; } = 100;

    public int MaxDelayMilliseconds { get; set; } = 5_000;

    /// <summary>An address with no failure for this long starts over.</summary>
    public int ForgetAfterSeconds { get; set; } = 600;

    public int MaxTrackedAddresses { get; set; } = 100_000;

    public FailedAuthenticationThrottleSettings ToSettings() => new()
    {
        FreeAttempts = FreeAttempts,
        BaseDelay = TimeSpan.FromMilliseconds(BaseDelayMilliseconds),
        MaxDelay = TimeSpan.FromMilliseconds(MaxDelayMilliseconds),
        ForgetAfter = TimeSpan.FromSeconds(ForgetAfterSeconds),
        MaxTrackedAddresses = MaxTrackedAddresses,
    };
}
