using Microsoft.Extensions.Logging;

namespace ProxyCluster.Audit.Tests.Support;

/// <summary>Keeps every log entry (event id, message and structured values) for assertions.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    private readonly List<Entry> _entries = [];

    public Entry[] Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
        lock (_entries)
        {
            _entries.Add(new Entry(eventId.Id, logLevel, formatter(state, exception), values.ToDictionary(pair => pair.Key, pair => pair.Value)));
        }
    }

    internal sealed record Entry(int EventId, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Values);
}
