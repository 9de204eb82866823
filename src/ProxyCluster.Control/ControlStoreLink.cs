namespace ProxyCluster.Control;

/// <summary>
/// One component's link to the control store as it sees it: connected, or in an outage since when and why. It
/// says when an outage starts and when it ends, so each is logged once however often the retries in between fail.
/// </summary>
internal sealed class ControlStoreLink(TimeProvider time)
{
    private volatile bool _connected;
    private volatile string? _lastError;
    private long? _outageStartedAt;

    public bool IsConnected => _connected;

    /// <summary>What went wrong in the current outage; null while connected.</summary>
    public string? LastError => _lastError;

    /// <summary>Records a failure; true when it starts an outage (worth a warning), false while one goes on.</summary>
    public bool Failed(string message)
    {
        _lastError = message;
        _connected = false;
        if (_outageStartedAt is not null)
        {
            return false;
        }

        _outageStartedAt = time.GetTimestamp();
        return true;
    }

    /// <summary>The store answered again: how long the outage lasted, or null when there was none.</summary>
    public TimeSpan? Recovered()
    {
        _lastError = null;
        var outage = _outageStartedAt is { } started ? time.GetElapsedTime(started) : (TimeSpan?)null;
        _outageStartedAt = null;
        return outage;
    }

    /// <summary>Published last, after the owner has logged: whoever sees <see cref="IsConnected"/> finds the log line too.</summary>
    public void Connected() => _connected = true;

    public void Disconnected() => _connected = false;
}
