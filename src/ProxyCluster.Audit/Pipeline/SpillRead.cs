namespace ProxyCluster.Audit.Pipeline;

/// <summary>
/// What one read of a spill file found: where the next read starts, and how many lines could not be parsed
/// (a torn write from a crash) and were skipped.
/// </summary>
internal readonly record struct SpillRead(long NextOffset, int Unreadable);
