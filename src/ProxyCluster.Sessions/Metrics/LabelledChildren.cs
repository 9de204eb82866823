namespace ProxyCluster.Sessions.Metrics;

/// <summary>
/// A family's children keyed by label values. Label sets are few and mostly known at start, so lookups scan a
/// copy-on-write array: no lock, no allocation, no tuple key. Adding takes a lock and replaces the array.
/// </summary>
internal sealed class LabelledChildren<T>
    where T : class
{
    private readonly Func<T> _create;
    private readonly Lock _gate = new();
    private Child[] _children = [];

    public LabelledChildren(string[] labelNames, Func<T> create)
    {
        LabelNames = labelNames;
        _create = create;
    }

    public string[] LabelNames { get; }

    public Child[] Children => Volatile.Read(ref _children);

    public T Get(ReadOnlySpan<string> labelValues)
    {
        var found = Find(Volatile.Read(ref _children), labelValues);
        return found ?? GetOrAdd(labelValues, null);
    }

    /// <summary>Adds a child made elsewhere (callbacks); fails if those label values are taken.</summary>
    public void Add(ReadOnlySpan<string> labelValues, T child)
    {
        if (!ReferenceEquals(GetOrAdd(labelValues, child), child))
        {
            throw new ArgumentException($"label values ({string.Join(", ", labelValues.ToArray())}) are already registered");
        }
    }

    private T GetOrAdd(ReadOnlySpan<string> labelValues, T? given)
    {
        if (labelValues.Length != LabelNames.Length)
        {
            throw new ArgumentException($"expected {LabelNames.Length} label values ({string.Join(", ", LabelNames)}), got {labelValues.Length}");
        }

        foreach (var value in labelValues)
        {
            ArgumentNullException.ThrowIfNull(value, nameof(labelValues));
        }

        lock (_gate)
        {
            var children = _children;
            if (Find(children, labelValues) is { } existing)
            {
                return existing;
            }

            var child = given ?? _create();
            Volatile.Write(ref _children, [.. children, new Child(labelValues.ToArray(), child)]);
            return child;
        }
    }

    private static T? Find(Child[] children, ReadOnlySpan<string> labelValues)
    {
        foreach (var child in children)
        {
            if (labelValues.SequenceEqual(child.LabelValues))
            {
                return child.Metric;
            }
        }

        return null;
    }

    internal readonly record struct Child(string[] LabelValues, T Metric);
}
