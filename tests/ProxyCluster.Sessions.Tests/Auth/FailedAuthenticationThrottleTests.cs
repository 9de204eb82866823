using System.Net;
using ProxyCluster.Sessions.Auth;

namespace ProxyCluster.Sessions.Tests.Auth;

public sealed class FailedAuthenticationThrottleTests
{
    private static readonly IPAddress Guesser = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress Neighbour = IPAddress.Parse("203.0.113.8");

    private static readonly FailedAuthenticationThrottleSettings Settings = new()
    {
        FreeAttempts = 3,
        BaseDelay = TimeSpan.FromMilliseconds(100),
        MaxDelay = TimeSpan.FromSeconds(1),
        ForgetAfter = TimeSpan.FromMinutes(10),
        MaxTrackedAddresses = 4,
    };

    private readonly ManualTime _time = new();

    [Fact]
    public void DelayAfter_DoublesPastTheFreeAttempts_UpToTheMaximum()
    {
        Assert.Equal(TimeSpan.Zero, Settings.DelayAfter(0));
        Assert.Equal(TimeSpan.Zero, Settings.DelayAfter(3));
        Assert.Equal(TimeSpan.FromMilliseconds(100), Settings.DelayAfter(4));
        Assert.Equal(TimeSpan.FromMilliseconds(200), Settings.DelayAfter(5));
        Assert.Equal(TimeSpan.FromMilliseconds(800), Settings.DelayAfter(7));
        Assert.Equal(TimeSpan.FromSeconds(1), Settings.DelayAfter(8));
        Assert.Equal(TimeSpan.FromSeconds(1), Settings.DelayAfter(int.MaxValue));
    }

    [Fact]
    public void RecordFailure_PastTheFreeAttempts_DelaysEachRefusalLonger()
    {
        var throttle = NewThrottle();
        var delays = Enumerable.Range(0, 9).Select(_ => throttle.RecordFailure(Guesser).TotalMilliseconds).ToArray();
        Assert.Equal([0, 0, 0, 100, 200, 400, 800, 1000, 1000], delays);
    }

    [Fact]
    public void RecordFailure_OneAddress_DoesNotSlowAnother()
    {
        var throttle = NewThrottle();
        FailTimes(throttle, Guesser, 6);

        Assert.Equal(TimeSpan.Zero, throttle.RecordFailure(Neighbour));
        Assert.Equal(TimeSpan.Zero, throttle.HoldBeforeAttempt(Neighbour));
    }

    [Fact]
    public void RecordFailure_IPv4MappedForm_CountsAsTheIPv4Address()
    {
        var throttle = NewThrottle();
        FailTimes(throttle, Guesser, 3);

        Assert.Equal(TimeSpan.FromMilliseconds(100), throttle.RecordFailure(Guesser.MapToIPv6()));
        Assert.Equal(1, throttle.TrackedAddresses);
    }

    [Fact]
    public void RecordFailure_IPv6_CountsBySlash64()
    {
        var throttle = NewThrottle();
        FailTimes(throttle, IPAddress.Parse("2001:db8:1:2::1"), 3);

        Assert.Equal(TimeSpan.FromMilliseconds(100), throttle.RecordFailure(IPAddress.Parse("2001:db8:1:2:ffff::9")));
        Assert.Equal(TimeSpan.Zero, throttle.RecordFailure(IPAddress.Parse("2001:db8:1:3::1")));
    }

    [Fact]
    public void HoldBeforeAttempt_WhileAPenaltyRuns_IsWhatIsLeftOfIt()
    {
        var throttle = NewThrottle();
        FailTimes(throttle, Guesser, 4); // the fourth earns 100 ms

        Assert.Equal(TimeSpan.FromMilliseconds(100), throttle.HoldBeforeAttempt(Guesser));
        _time.Advance(TimeSpan.FromMilliseconds(30));
        Assert.Equal(TimeSpan.FromMilliseconds(70), throttle.HoldBeforeAttempt(Guesser));
        _time.Advance(TimeSpan.FromMilliseconds(70));
        Assert.Equal(TimeSpan.Zero, throttle.HoldBeforeAttempt(Guesser));
    }

    [Fact]
    public void HoldBeforeAttempt_WithinTheFreeAttempts_IsZero()
    {
        var throttle = NewThrottle();
        FailTimes(throttle, Guesser, 3);
        Assert.Equal(TimeSpan.Zero, throttle.HoldBeforeAttempt(Guesser));
    }

    [Fact]
    public void RecordFailure_AfterForgetAfterWithoutFailures_StartsOver()
    {
        var throttle = NewThrottle();
        FailTimes(throttle, Guesser, 5);
        _time.Advance(Settings.ForgetAfter - TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromMilliseconds(400), throttle.RecordFailure(Guesser)); // still remembered

        _time.Advance(Settings.ForgetAfter);
        Assert.Equal(TimeSpan.Zero, throttle.HoldBeforeAttempt(Guesser));
        Assert.Equal(0, throttle.TrackedAddresses);
        Assert.Equal(TimeSpan.Zero, throttle.RecordFailure(Guesser));
    }

    [Fact]
    public void RecordFailure_BeyondMaxTrackedAddresses_ForgetsTheAddressThatFailedLongestAgo()
    {
        var throttle = NewThrottle();
        FailTimes(throttle, Guesser, 4);
        for (var i = 1; i <= 3; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            throttle.RecordFailure(IPAddress.Parse($"198.51.100.{i}"));
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        FailTimes(throttle, Guesser, 1); // the guesser failed most recently now: 198.51.100.1 is the oldest
        throttle.RecordFailure(Neighbour);

        Assert.Equal(Settings.MaxTrackedAddresses, throttle.TrackedAddresses);
        Assert.Equal(TimeSpan.FromMilliseconds(400), throttle.RecordFailure(Guesser)); // kept its count
        Assert.Equal(TimeSpan.Zero, throttle.RecordFailure(IPAddress.Parse("198.51.100.1"))); // forgotten, counts afresh
        Assert.Equal(Settings.MaxTrackedAddresses, throttle.TrackedAddresses);
    }

    [Fact]
    public void RecordFailure_UnknownAddress_IsNeverSlowedNorTracked()
    {
        var throttle = NewThrottle();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(TimeSpan.Zero, throttle.RecordFailure(null));
        }

        Assert.Equal(TimeSpan.Zero, throttle.HoldBeforeAttempt(null));
        Assert.Equal(0, throttle.TrackedAddresses);
    }

    private FailedAuthenticationThrottle NewThrottle() => new(Settings, _time);

    private static void FailTimes(FailedAuthenticationThrottle throttle, IPAddress client, int times)
    {
        for (var i = 0; i < times; i++)
        {
            throttle.RecordFailure(client);
        }
    }

    /// <summary>A clock that moves only when told; timestamps are ticks.</summary>
    private sealed class ManualTime : TimeProvider
    {
        private long _ticks = TimeSpan.TicksPerDay;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public override DateTimeOffset GetUtcNow() => new(_ticks, TimeSpan.Zero);

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
