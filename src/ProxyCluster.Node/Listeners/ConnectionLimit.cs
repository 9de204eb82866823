namespace ProxyCluster.Node.Listeners;

/// <summary>The node-wide cap on concurrent client connections, shared by every listener.</summary>
public sealed class ConnectionLimit
{
    private readonly int _max;
    private int _current;

    public ConnectionLimit(int max) => _max = max;

    public int Current => Volatile.Read(ref _current);

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _current) <= _max)
        {
            return true;
        }

        Interlocked.Decrement(ref _current);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _current);
}
