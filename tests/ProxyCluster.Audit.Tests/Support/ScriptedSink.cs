namespace ProxyCluster.Audit.Tests.Support;

/// <summary>
/// A sink that fails its first <c>failures</c> calls, then records what it is given. Optionally every call first
/// waits at a gate the test opens, or hangs until cancelled.
/// </summary>
internal sealed class ScriptedSink(string name, int failures = 0) : IAuditSink
{
    private readonly List<AuditRecord> _received = [];
    private int _failuresLeft = failures;
    private int _calls;

    public string Name { get; } = name;

    /// <summary>When set, each call waits for it (honouring cancellation) before doing anything.</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>When true, the gate is waited for without the token, as a sink that ignores cancellation would.</summary>
    public bool IgnoresCancellation { get; init; }

    /// <summary>When true, every call waits until cancelled, as a sink on a dead connection would.</summary>
    public bool Hang { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public int Count
    {
        get
        {
            lock (_received)
            {
                return _received.Count;
            }
        }
    }

    public AuditRecord[] Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    public void FailForever() => Volatile.Write(ref _failuresLeft, int.MaxValue);

    public async ValueTask WriteAsync(IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (Gate is { } gate)
        {
            await (IgnoresCancellation ? gate.Task : gate.Task.WaitAsync(cancellationToken));
        }

        if (Hang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw new IOException($"{Name} is down");
        }

        lock (_received)
        {
            _received.AddRange(batch);
        }
    }
}
