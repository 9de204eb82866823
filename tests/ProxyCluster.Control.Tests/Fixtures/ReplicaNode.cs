using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;
using ProxyCluster.Control.Journal;
using ProxyCluster.IntegrationTests.Fixtures;
using ProxyCluster.Tokens;
using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Control.Tests.Fixtures;

/// <summary>What a node holds of the journal: a registry, its replica, the replication service, and counters of what happened.</summary>
public sealed class ReplicaNode : IAsyncDisposable
{
    private readonly ILoggerFactory _loggers;

    public ReplicaNode(NpgsqlDataSource dataSource, string schema, JournalReplicationOptions options)
    {
        Options = options;
        Replica = new TokenReplica(Registry);
        Replica.TokenEnded += state => Ended.Enqueue(state.Id);
        _loggers = LoggerFactory.Create(builder => builder.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        Replication = new JournalReplication(new ControlStore(dataSource, schema), Replica, options, _loggers.CreateLogger<JournalReplication>());
        Replication.EventApplied += e => Applied.AddOrUpdate(e.Ordering, 1, (_, n) => n + 1);
        Replication.Rebuilt += () => Interlocked.Increment(ref _rebuilds);
    }

    private int _rebuilds;

    public JournalReplicationOptions Options { get; }

    public TokenRegistry Registry { get; } = new();

    public TokenReplica Replica { get; }

    public JournalReplication Replication { get; }

    public CollectingLoggerProvider Logs { get; } = new();

    /// <summary>How many times each ordering was reported applied.</summary>
    public ConcurrentDictionary<long, int> Applied { get; } = new();

    public ConcurrentQueue<string> Ended { get; } = new();

    public int Rebuilds => Volatile.Read(ref _rebuilds);

    public static JournalReplicationOptions FastOptions(string applicationName, TimeSpan? pollInterval = null) => new()
    {
        ApplicationName = applicationName,
        PollInterval = pollInterval ?? TimeSpan.FromMinutes(5), // long: only a notification delivers quickly
        InitialBackoff = TimeSpan.FromMilliseconds(10),
        MaxBackoff = TimeSpan.FromMilliseconds(40),
    };

    public async Task StartAsync()
    {
        await Replication.StartAsync(CancellationToken.None);
        await Replication.InitialLoad.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public int LogCount(string level, string fragment) =>
        Logs.Lines.Count(l => l.StartsWith(level + " ", StringComparison.Ordinal) && l.Contains(fragment, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Replication.StopAsync(timeout.Token);
        Replication.Dispose();
        _loggers.Dispose();
    }
}
