using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ProxyCluster.Sessions.Tests.Metrics;

/// <summary>
/// What an exporter sees of one meter: a <see cref="MeterListener"/> that enables that meter's instruments only
/// (other tests publish meters with the same name) and keeps every measurement it is given.
/// </summary>
internal sealed class MeterCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, Instrument> _instruments = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Recorded> _measurements = new();

    public MeterCollector(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                _instruments[instrument.Name] = instrument;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Keep(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Keep(instrument, value, tags));
        _listener.Start();
    }

    public IReadOnlyDictionary<string, Instrument> Instruments => _instruments;

    /// <summary>Reads the observable instruments, as an exporter does at each interval, and returns what arrived since the last call.</summary>
    public IReadOnlyList<Recorded> Collect()
    {
        _listener.RecordObservableInstruments();
        var taken = new List<Recorded>();
        while (_measurements.TryDequeue(out var measurement))
        {
            taken.Add(measurement);
        }

        return taken;
    }

    public void Dispose() => _listener.Dispose();

    private void Keep(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value as string;
        }

        _measurements.Enqueue(new Recorded(instrument.Name, value, copy));
    }

    internal sealed record Recorded(string Instrument, double Value, IReadOnlyDictionary<string, string?> Tags)
    {
        public bool Has(string key, string value) => Tags.TryGetValue(key, out var actual) && actual == value;
    }
}
