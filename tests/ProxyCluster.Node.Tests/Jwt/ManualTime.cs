namespace ProxyCluster.Node.Tests.Jwt;

/// <summary>A clock the test moves by hand; timers are the system's (the tests never wait for a periodic refresh).</summary>
internal sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
