using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ProxyCluster.Node.Tests.Jwt;

/// <summary>A Kestrel server on 127.0.0.1:0 serving whatever JWKS the test sets, or 503 while it is down.</summary>
internal sealed class JwksServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private JwksServer(WebApplication app) => _app = app;

    public string Jwks { get; set; } = """{"keys":[]}""";

    public bool Down { get; set; }

    public int Requests => Volatile.Read(ref _requests);

    public Uri Url { get; private set; } = null!;

    public static async Task<JwksServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var server = new JwksServer(builder.Build());
        server._app.Run(server.ServeAsync);
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Url = new Uri(new Uri(address), "/.well-known/jwks.json");
        return server;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task ServeAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (Down)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Jwks);
    }
}
