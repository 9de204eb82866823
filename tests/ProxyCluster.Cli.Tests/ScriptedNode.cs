using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ProxyCluster.Cli.Tests;

/// <summary>
/// A scripted peer that plays a node's admin API (ADMIN-API.md) on 127.0.0.1 with Kestrel: it records every request
/// and answers each "METHOD /path" with what the test scripted, anything else with the documented 404 body.
/// </summary>
internal sealed class ScriptedNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, Func<RecordedRequest, ScriptedReply>> _script = new(StringComparer.Ordinal);

    private ScriptedNode()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    /// <summary><c>127.0.0.1:&lt;port&gt;</c>, as an operator would pass it to <c>--node</c>.</summary>
    public string Address { get; private set; } = "";

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public RecordedRequest SingleRequest => Assert.Single(Requests);

    public static async Task<ScriptedNode> StartAsync()
    {
        var node = new ScriptedNode();
        await node._app.StartAsync();
        var address = node._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        node.Address = new Uri(address).Authority;
        return node;
    }

    public void On(string method, string pathAndQuery, int status, string body) =>
        On(method, pathAndQuery, _ => new ScriptedReply(status, body));

    public void On(string method, string pathAndQuery, Func<RecordedRequest, ScriptedReply> reply) =>
        _script[$"{method} {pathAndQuery}"] = reply;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var request = new RecordedRequest(
            context.Request.Method,
            context.Request.Path + context.Request.QueryString,
            context.Request.Headers.Authorization.Count > 0 ? context.Request.Headers.Authorization.ToString() : null,
            context.Request.ContentType,
            await reader.ReadToEndAsync());
        _requests.Enqueue(request);

        var reply = _script.TryGetValue($"{request.Method} {request.PathAndQuery}", out var script)
            ? script(request)
            : new ScriptedReply(404, NodeJson.Error("not_found", $"no such route {request.PathAndQuery}"));
        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(reply.Body);
    }
}

internal sealed record ScriptedReply(int Status, string Body);

internal sealed record RecordedRequest(string Method, string PathAndQuery, string? Authorization, string? ContentType, string Body)
{
    public JsonElement Json
    {
        get
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.Clone();
        }
    }
}
