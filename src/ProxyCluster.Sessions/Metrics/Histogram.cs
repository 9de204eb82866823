using System.Globalization;

namespace ProxyCluster.Sessions.Metrics;

/// <summary>
/// Counts observations into fixed buckets (upper bounds chosen at construction) and keeps their sum. Observe is two
/// interlocked instructions and allocates nothing. The sum is kept as a whole number of millionths of the unit —
/// microseconds for latencies in seconds — so concurrent adds stay exact.
/// </summary>
public sealed class Histogram : IExposable
{
    private const double MicrosPerUnit = 1_000_000;

    private readonly double[] _bounds;
    private readonly string[] _le;

    // One count per bound, plus the last for observations above every bound (the +Inf bucket); not cumulative.
    private readonly long[] _counts;
    private long _sumMicros;

    // Null unless the registry is published on a meter (MeterBridge): then every observation is also recorded there,
    // because OpenTelemetry has no observable histogram to read these buckets from. A plain read on the hot path is
    // enough: the .NET memory model publishes a fully built object with its reference.
    private HistogramMirror? _mirror;

    public Histogram(ReadOnlySpan<double> upperBounds)
    {
        if (upperBounds.IsEmpty)
        {
            throw new ArgumentException("a histogram needs at least one bucket bound", nameof(upperBounds));
        }

        for (var i = 0; i < upperBounds.Length; i++)
        {
            if (!double.IsFinite(upperBounds[i]) || (i > 0 && upperBounds[i] <= upperBounds[i - 1]))
            {
                throw new ArgumentException("bucket bounds must be finite and strictly increasing (+Inf is implied)", nameof(upperBounds));
            }
        }

        _bounds = upperBounds.ToArray();
        _le = new string[_bounds.Length + 1];
        for (var i = 0; i < _bounds.Length; i++)
        {
            _le[i] = _bounds[i].ToString("R", CultureInfo.InvariantCulture);
        }

        _le[^1] = "+Inf";
        _counts = new long[_bounds.Length + 1];
    }

    /// <summary>Request latency in seconds, 0.5 ms to 10 s: the range between a pooled round trip and a statement timeout.</summary>
    public static ReadOnlySpan<double> LatencySecondsBounds => [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public ReadOnlySpan<double> UpperBounds => _bounds;

    /// <summary>Observations so far (the +Inf bucket).</summary>
    public long Count
    {
        get
        {
            long count = 0;
            for (var i = 0; i < _counts.Length; i++)
            {
                count += Volatile.Read(ref _counts[i]);
            }

            return count;
        }
    }

    public double Sum => Volatile.Read(ref _sumMicros) / MicrosPerUnit;

    bool IExposable.HasSamples => true;

    internal HistogramMirror? Mirror
    {
        get => Volatile.Read(ref _mirror);
        set => Volatile.Write(ref _mirror, value);
    }

    /// <summary>Records <paramref name="value"/>; NaN is ignored, since it would poison the sum.</summary>
    public void Observe(double value)
    {
        if (double.IsNaN(value))
        {
            return;
        }

        Interlocked.Increment(ref _counts[BucketOf(value)]);
        Interlocked.Add(ref _sumMicros, (long)Math.Round(value * MicrosPerUnit));
        _mirror?.Record(value);
    }

    /// <summary>Records a duration in seconds, its sum exact to the microsecond.</summary>
    public void Observe(TimeSpan elapsed)
    {
        var seconds = elapsed.TotalSeconds;
        Interlocked.Increment(ref _counts[BucketOf(seconds)]);
        Interlocked.Add(ref _sumMicros, elapsed.Ticks / TimeSpan.TicksPerMicrosecond);
        _mirror?.Record(seconds);
    }

    void IExposable.WriteSamples(ExpositionWriter writer, string name) => WriteSamples(writer, name, [], []);

    internal void WriteSamples(ExpositionWriter writer, string name, string[] labelNames, string[] labelValues)
    {
        // Each bucket is read once and summed here, so the +Inf bucket and _count agree even while observations land.
        long cumulative = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            cumulative += Volatile.Read(ref _counts[i]);
            writer.WriteSample(name, "_bucket", labelNames, labelValues, _le[i], cumulative);
        }

        writer.WriteSample(name, "_sum", labelNames, labelValues, null, Sum);
        writer.WriteSample(name, "_count", labelNames, labelValues, null, cumulative);
    }

    private int BucketOf(double value)
    {
        // A linear scan beats a binary search over a dozen bounds, and most observations land in the first few.
        var bounds = _bounds;
        var i = 0;
        while (i < bounds.Length && value > bounds[i])
        {
            i++;
        }

        return i;
    }
}
