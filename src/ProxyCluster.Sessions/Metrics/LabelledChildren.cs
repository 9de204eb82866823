namespace ProxyCluster.Sessions.Metrics;

/// <summary>
/// A family's children keyed by label values. Label sets are few and mostly known at start, so lookups scan a
/// copy-on-write array: no lock, no allocation, no tuple key. Adding takes a lock and replaces the array.
/// </summary>
internal sealed class LabelledChildren<T>
    where T : class
{
    private readonly Func<KeyValuePair<string, object?>[], T> _create;
    private readonly Lock _gate = new();
    private Child[] _children = [];

    /// <param name="create">Makes a child, given its labels as meter tags (see <see cref="Child.Tags"/>).</param>
    public LabelledChildren(string[] labelNames, Func<KeyValuePair<string, object?>[], T> create)
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

    /// <summary>
    /// Runs <paramref name="update"/> on the children under the lock that adding one takes, so a child added
    /// meanwhile is either among those passed or created after <paramref name="update"/> has run (and sees its effect).
    /// </summary>
    public void UpdateUnderLock(Action<Child[]> update)
    {
        lock (_gate)
        {
            update(_children);
        }
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

            var values = labelValues.ToArray();
            var tags = TagsOf(LabelNames, values);
            var child = given ?? _create(tags);
            Volatile.Write(ref _children, [.. children, new Child(values, child, tags)]);
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

    private static KeyValuePair<string, object?>[] TagsOf(string[] labelNames, string[] labelValues)
    {
        var tags = new KeyValuePair<string, object?>[labelNames.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            tags[i] = new KeyValuePair<string, object?>(labelNames[i], labelValues[i]);
        }

        return tags;
    }

    /// <param name="Tags">
    /// The labels as <see cref="System.Diagnostics.Metrics"/> tags, built once with the child so that publishing it
    /// on a meter (see <see cref="MeterBridge"/>) never builds them again per measurement.
    /// </param>
    internal readonly record struct Child(string[] LabelValues, T Metric, KeyValuePair<string, object?>[] Tags);
}
