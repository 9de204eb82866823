using System.Collections.Concurrent;
using System.IO.Pipelines;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Frontend;
using ProxyCluster.Sessions.Routing;
using ProxyCluster.Sessions.Upstream;

namespace ProxyCluster.Sessions.Tests.Support;

/// <summary>
/// An <see cref="IUpstreamConnector"/> whose "server" is an in-memory pipe pair that the test drives as a
/// <see cref="Peer"/>: the connection comes back already authenticated, with the server's own cancel key and the
/// ParameterStatus values a PostgreSQL 17 server reports at startup.
/// </summary>
internal sealed class ScriptedUpstream : IUpstreamConnector
{
    /// <summary>The upstream server's BackendKeyData; a client must never see it.</summary>
    public static readonly CancelRequest ServerKey = new(31337, 0x0BAD_CAFE);

    public static readonly IReadOnlyList<KeyValuePair<string, string>> ServerParameters =
    [
        new("application_name", "tests"),
        new("client_encoding", "UTF8"),
        new("DateStyle", "ISO, MDY"),
        new("integer_datetimes", "on"),
        new("server_version", "17.2"),
        new("TimeZone", "Etc/UTC"),
    ];

    private readonly TaskCompletionSource<Peer> _server = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _connectAttempts;

    public int ConnectAttempts => Volatile.Read(ref _connectAttempts);

    public string? Database { get; private set; }

    public IReadOnlyList<KeyValuePair<string, string>>? StartupParameters { get; private set; }

    public ConcurrentQueue<(RouteConfig Route, CancelRequest Key)> CancelRequests { get; } = new();

    /// <summary>The server's end, once the session has connected.</summary>
    public Task<Peer> Server => _server.Task;

    /// <summary>Completes when the session disposes the upstream connection.</summary>
    public Task Closed => _closed.Task;

    /// <summary>When set, connecting fails with this error (an unreachable or refusing server).</summary>
    public PostgresError? Failure { get; set; }

    /// <summary>Runs while the session waits for the upstream, between authentication and the greeting.</summary>
    public Action? OnConnect { get; set; }

    public ValueTask<UpstreamConnectResult> ConnectAsync(
        RouteConfig route,
        string database,
        IReadOnlyList<KeyValuePair<string, string>> startupParameters,
        CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _connectAttempts);
        Database = database;
        StartupParameters = startupParameters;
        OnConnect?.Invoke();
        if (Failure is not null)
        {
            return ValueTask.FromResult(UpstreamConnectResult.Failure(Failure));
        }
        var toServer = new Pipe(DuplexPipe.ThreadPool);
        var toProxy = new Pipe(DuplexPipe.ThreadPool);
        var connection = new UpstreamConnection(route, toProxy.Reader, toServer.Writer, new Transport(_closed))
        {
            CancelKey = ServerKey,
        };
        connection.ParameterStatuses.AddRange(ServerParameters);
        _server.TrySetResult(new Peer(toServer.Reader, toProxy.Writer));
        return ValueTask.FromResult(UpstreamConnectResult.Success(connection));
    }

    public ValueTask CancelAsync(RouteConfig route, CancelRequest upstreamKey, CancellationToken cancellationToken)
    {
        CancelRequests.Enqueue((route, upstreamKey));
        return ValueTask.CompletedTask;
    }

    public async Task<Peer> ServerAsync() => await Server.WaitAsync(Wire.Timeout);

    private sealed class Transport(TaskCompletionSource closed) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            closed.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }
}
