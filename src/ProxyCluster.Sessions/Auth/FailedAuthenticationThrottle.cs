using System.Net;
using System.Net.Sockets;

namespace ProxyCluster.Sessions.Auth;

/// <summary>
/// Slows an address that keeps failing to authenticate, so guessing a secret from it is impractical. Past the free
/// attempts each failure earns a delay (<see cref="FailedAuthenticationThrottleSettings.DelayAfter"/>): its refusal is
/// sent only when the delay is over, and any other attempt from the address arriving meanwhile waits for its end before
/// its credentials are looked at — a guesser that hangs up instead of waiting for the refusal learns nothing sooner.
/// Successes record nothing: another client behind the same address is slowed only while a penalty is running.
/// </summary>
/// <remarks>
/// Addresses are IPs, not ports; an IPv4-mapped IPv6 address counts as the IPv4 address, and IPv6 addresses count by
/// their /64, the block one host is usually given. Parallel connections from one address are bounded by the node's
/// connection limit, not here. Every attempt takes one lock for a lookup; a failure also moves a list node.
/// </remarks>
public sealed class FailedAuthenticationThrottle
{
    private readonly FailedAuthenticationThrottleSettings _settings;
    private readonly TimeProvider _time;
    private readonly Dictionary<IPAddress, LinkedListNode<Failures>> _byAddress = [];
    private readonly LinkedList<Failures> _oldestFirst = new();
    private readonly Lock _lock = new();

    public FailedAuthenticationThrottle(FailedAuthenticationThrottleSettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(settings.MaxTrackedAddresses);
        _settings = settings;
        _time = time;
    }

    /// <summary>Addresses currently remembered.</summary>
    public int TrackedAddresses
    {
        get
        {
            lock (_lock)
            {
                return _byAddress.Count;
            }
        }
    }

    /// <summary>How long an attempt from <paramref name="client"/> waits before authenticating: what is left of its address's running penalty.</summary>
    public TimeSpan HoldBeforeAttempt(IPAddress? client)
    {
        if (client is null)
        {
            return TimeSpan.Zero;
        }

        var key = KeyFor(client);
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            ForgetIdle(now);
            if (!_byAddress.TryGetValue(key, out var node))
            {
                return TimeSpan.Zero;
            }

            var elapsed = _time.GetElapsedTime(node.Value.LastFailure, now);
            return elapsed < node.Value.Delay ? node.Value.Delay - elapsed : TimeSpan.Zero;
        }
    }

    /// <summary>Counts a failed authentication from <paramref name="client"/>; returns how long its refusal waits. An unknown address is never slowed.</summary>
    public TimeSpan RecordFailure(IPAddress? client)
    {
        if (client is null)
        {
            return TimeSpan.Zero;
        }

        var key = KeyFor(client);
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            ForgetIdle(now);
            if (_byAddress.Remove(key, out var node))
            {
                _oldestFirst.Remove(node);
            }
            else
            {
                if (_byAddress.Count >= _settings.MaxTrackedAddresses)
                {
                    Forget(_oldestFirst.First!);
                }

                node = new LinkedListNode<Failures>(new Failures(key));
            }

            var failures = node.Value;
            failures.Count = failures.Count == int.MaxValue ? int.MaxValue : failures.Count + 1;
            failures.LastFailure = now;
            failures.Delay = _settings.DelayAfter(failures.Count);
            _oldestFirst.AddLast(node);
            _byAddress.Add(key, node);
            return failures.Delay;
        }
    }

    /// <summary>The address failures are counted under: the IP itself, IPv4 for an IPv4-mapped IPv6 address, the /64 of any other IPv6 address.</summary>
    internal static IPAddress KeyFor(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes); // and no scope id
    }

    private void ForgetIdle(long now)
    {
        while (_oldestFirst.First is { } oldest && _time.GetElapsedTime(oldest.Value.LastFailure, now) >= _settings.ForgetAfter)
        {
            Forget(oldest);
        }
    }

    private void Forget(LinkedListNode<Failures> node)
    {
        _oldestFirst.Remove(node);
        _byAddress.Remove(node.Value.Address);
    }

    /// <summary>One address's record; mutated only under the throttle's lock.</summary>
    private sealed class Failures(IPAddress address)
    {
        public IPAddress Address { get; } = address;

        public int Count { get; set; }

        public long LastFailure { get; set; }

        public TimeSpan Delay { get; set; }
    }
}
