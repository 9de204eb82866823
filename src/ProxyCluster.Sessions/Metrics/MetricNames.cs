namespace ProxyCluster.Sessions.Metrics;

/// <summary>The Prometheus data model's rules for metric and label names, checked once at registration.</summary>
internal static class MetricNames
{
    public static void ValidateMetric(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!(char.IsAsciiLetter(c) || c is '_' or ':' || (i > 0 && char.IsAsciiDigit(c))))
            {
                throw new ArgumentException($"\"{name}\" is not a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)", nameof(name));
            }
        }
    }

    public static string[] ValidateLabels(ReadOnlySpan<string> labelNames, bool histogram)
    {
        var names = labelNames.ToArray();
        for (var n = 0; n < names.Length; n++)
        {
            var label = names[n];
            ArgumentException.ThrowIfNullOrEmpty(label, nameof(labelNames));
            for (var i = 0; i < label.Length; i++)
            {
                var c = label[i];
                if (!(char.IsAsciiLetter(c) || c == '_' || (i > 0 && char.IsAsciiDigit(c))))
                {
                    throw new ArgumentException($"\"{label}\" is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)", nameof(labelNames));
                }
            }

            if (label.StartsWith("__", StringComparison.Ordinal))
            {
                throw new ArgumentException($"label names starting with __ are reserved: \"{label}\"", nameof(labelNames));
            }

            if (histogram && label == "le")
            {
                throw new ArgumentException("a histogram cannot have a label named le: its buckets use it", nameof(labelNames));
            }

            if (Array.IndexOf(names, label) != n)
            {
                throw new ArgumentException($"label \"{label}\" appears twice", nameof(labelNames));
            }
        }

        return names;
    }
}
