using System.IO.Compression;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ProxyCluster.Node.Tests.Otlp;

/// <summary>
/// A collector stand-in on 127.0.0.1:0: answers OTLP/HTTP (<c>POST /v1/metrics</c>, protobuf) and OTLP/gRPC
/// (<c>/opentelemetry.proto.collector.metrics.v1.MetricsService/Export</c> over h2c) with success, and keeps every
/// request it gets.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    public const string HttpPath = "/v1/metrics";
    public const string GrpcPath = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

    private readonly WebApplication _app;
    private readonly Channel<Received> _received = Channel.CreateUnbounded<Received>();

    private OtlpReceiver(WebApplication app) => _app = app;

    /// <summary>The base URL, as <c>Proxy:Otlp:Endpoint</c> takes it.</summary>
    public Uri Url { get; private set; } = null!;

    public static async Task<OtlpReceiver> StartAsync(bool grpc = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
            listen.Protocols = grpc ? HttpProtocols.Http2 : HttpProtocols.Http1));
        var receiver = new OtlpReceiver(builder.Build());
        receiver._app.Run(receiver.ReceiveAsync);
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Url = new Uri(address);
        return receiver;
    }

    /// <summary>Waits (bounded, no sleeps) for a request whose metrics satisfy <paramref name="condition"/>.</summary>
    public async Task<Received> WaitForAsync(Func<ExportedMetrics, bool> condition, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        try
        {
            await foreach (var received in _received.Reader.ReadAllAsync(cancellation.Token))
            {
                if (condition(received.Metrics))
                {
                    return received;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        throw new TimeoutException("the receiver got no export with the expected metrics in time");
    }

    /// <summary>Whatever has arrived and not been read by <see cref="WaitForAsync"/> yet.</summary>
    public List<Received> Drain()
    {
        var taken = new List<Received>();
        while (_received.Reader.TryRead(out var received))
        {
            taken.Add(received);
        }

        return taken;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task ReceiveAsync(HttpContext context)
    {
        var body = new MemoryStream();
        var source = context.Request.Headers.ContentEncoding == "gzip" ? new GZipStream(context.Request.Body, CompressionMode.Decompress) : context.Request.Body;
        await source.CopyToAsync(body);
        var bytes = body.ToArray();
        var grpc = context.Request.Path == GrpcPath;
        if (grpc)
        {
            // Length-prefixed message: a compressed flag (1 byte), a big-endian length (4 bytes), the message.
            bytes = bytes[5..];
        }

        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        _received.Writer.TryWrite(new Received(context.Request.Method, context.Request.Path, context.Request.ContentType, headers, bytes, ExportedMetrics.Decode(bytes)));
        if (grpc)
        {
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(new byte[5]); // an empty ExportMetricsServiceResponse
            context.Response.AppendTrailer("grpc-status", "0");
            return;
        }

        context.Response.ContentType = "application/x-protobuf";
    }

    /// <param name="Body">The ExportMetricsServiceRequest as sent (uncompressed), for tests that search every byte.</param>
    internal sealed record Received(string Method, string Path, string? ContentType, IReadOnlyDictionary<string, string> Headers, byte[] Body, ExportedMetrics Metrics);
}
