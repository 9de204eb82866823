using System.IO.Pipelines;
using ProxyCluster.Protocol.Frontend;
using ProxyCluster.Sessions.Routing;

namespace ProxyCluster.Sessions.Upstream;

/// <summary>
/// An authenticated connection to the real PostgreSQL, ready for queries: its pipes, the key that cancels its
/// queries, and the ParameterStatus values the server reported during startup.
/// </summary>
public sealed class UpstreamConnection : IAsyncDisposable
{
    private readonly IAsyncDisposable _transport;

    /// <param name="transport">What owns the socket (a stream, or a Kestrel connection); disposed after the pipes complete.</param>
    public UpstreamConnection(RouteConfig route, PipeReader input, PipeWriter output, IAsyncDisposable transport)
    {
        Route = route;
        _transport = transport;
        Input = input;
        Output = output;
    }

    public UpstreamConnection(RouteConfig route, Stream stream, PipeReader input, PipeWriter output)
        : this(route, input, output, (IAsyncDisposable)stream)
    {
    }

    public RouteConfig Route { get; }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>The upstream server's own BackendKeyData; the client only ever sees a key the proxy minted.</summary>
    public CancelRequest CancelKey { get; internal set; }

    public List<KeyValuePair<string, string>> ParameterStatuses { get; } = [];

    public async ValueTask DisposeAsync()
    {
        await Input.CompleteAsync().ConfigureAwait(false);
        await Output.CompleteAsync().ConfigureAwait(false);
        await _transport.DisposeAsync().ConfigureAwait(false);
    }
}
