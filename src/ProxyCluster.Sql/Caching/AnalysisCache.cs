using System.Collections.Concurrent;

namespace ProxyCluster.Sql.Caching;

/// <summary>
/// A bounded, thread-safe map from query text to its (immutable) analysis. Lookups are lock-free; eviction
/// is CLOCK (second chance): entries sit in a queue in insertion order, a hit marks an entry, and the evictor
/// gives marked entries one more round before removing unmarked ones. Bounded both by entry count and by the
/// characters held (query text plus an estimate of the analysis).
/// </summary>
internal sealed class AnalysisCache
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _clock = new();
    private readonly Lock _evictLock = new();
    private readonly int _capacity;
    private readonly long _maxTotalChars;
    private readonly int _maxKeyLength;
    private int _count;
    private long _totalChars;

    public AnalysisCache(int capacity, long maxTotalChars, int maxKeyLength)
    {
        _capacity = capacity;
        _maxTotalChars = maxTotalChars;
        _maxKeyLength = maxKeyLength;
    }

    public int Count => Volatile.Read(ref _count);

    public bool TryGet(string query, out SqlAnalysis analysis)
    {
        if (_entries.TryGetValue(query, out var entry))
        {
            if (entry.Referenced == 0)
            {
                entry.Referenced = 1; // benign race: the flag is a hint for eviction
            }

            analysis = entry.Analysis;
            return true;
        }

        analysis = null!;
        return false;
    }

    /// <summary>Adds the analysis unless another thread got there first; returns the cached instance either way.</summary>
    public SqlAnalysis Add(string query, SqlAnalysis analysis)
    {
        if (_capacity <= 0 || query.Length > _maxKeyLength)
        {
            return analysis;
        }

        var entry = new Entry(analysis, query.Length + analysis.CacheCost);
        if (entry.Cost > _maxTotalChars)
        {
            return analysis;
        }

        var cached = _entries.GetOrAdd(query, entry);
        if (!ReferenceEquals(cached, entry))
        {
            return cached.Analysis;
        }

        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _totalChars, entry.Cost);
        _clock.Enqueue(query);
        if (Volatile.Read(ref _count) > _capacity || Interlocked.Read(ref _totalChars) > _maxTotalChars)
        {
            Evict();
        }

        return analysis;
    }

    private void Evict()
    {
        lock (_evictLock)
        {
            while ((Volatile.Read(ref _count) > _capacity || Interlocked.Read(ref _totalChars) > _maxTotalChars)
                   && _clock.TryDequeue(out var key))
            {
                if (!_entries.TryGetValue(key, out var entry))
                {
                    continue;
                }

                if (entry.Referenced != 0)
                {
                    entry.Referenced = 0;
                    _clock.Enqueue(key);
                    continue;
                }

                if (_entries.TryRemove(new KeyValuePair<string, Entry>(key, entry)))
                {
                    Interlocked.Decrement(ref _count);
                    Interlocked.Add(ref _totalChars, -entry.Cost);
                }
            }
        }
    }

    private sealed class Entry(SqlAnalysis analysis, long cost)
    {
        public SqlAnalysis Analysis { get; } = analysis;

        public long Cost { get; } = cost;

        public int Referenced { get; set; }
    }
}
