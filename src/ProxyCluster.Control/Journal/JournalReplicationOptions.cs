namespace ProxyCluster.Control.Journal;

/// <summary>How a node follows the journal. Notifications drive it; the poll only bounds what a lost one costs.</summary>
public sealed record JournalReplicationOptions
{
    /// <summary>How long to wait for a notification before reading the journal anyway.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The first reconnect delay after a failure; it doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The application_name of the LISTEN connection, so operators (and tests) can find it in pg_stat_activity.</summary>
    public string ApplicationName { get; init; } = "proxycluster-replica";

    /// <summary>How many events one catch-up read fetches at most; it reads again until it has everything.</summary>
    public int BatchSize { get; init; } = 1000;
}
