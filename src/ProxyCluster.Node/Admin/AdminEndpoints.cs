using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ProxyCluster.Node.Configuration;
using ProxyCluster.Node.Listeners;
using ProxyCluster.Sessions.Lifecycle;
using ProxyCluster.Tokens;

namespace ProxyCluster.Node.Admin;

/// <summary>The admin HTTP API. Today: health for load balancers and scripts; tokens, sessions and cluster views come with the control plane.</summary>
public static class AdminEndpoints
{
    public static void Map(WebApplication app, ProxyOptions options)
    {
        app.MapGet("/health", (IServiceProvider services) =>
        {
            var report = new HealthReport(
                "ok",
                options.NodeId,
                services.GetRequiredService<SessionRegistry>().Count,
                services.GetRequiredService<ConnectionLimit>().Current,
                services.GetRequiredService<TokenRegistry>().Count);
            return Results.Json(report, AdminJsonContext.Default.HealthReport);
        });
    }
}
