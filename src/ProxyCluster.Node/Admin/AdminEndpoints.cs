using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ProxyCluster.Control;
using ProxyCluster.Node.Cluster;
using ProxyCluster.Node.Configuration;
using ProxyCluster.Node.Listeners;
using ProxyCluster.Sessions.Lifecycle;
using ProxyCluster.Tokens;

namespace ProxyCluster.Node.Admin;

/// <summary>
/// The admin HTTP API (Admin/ADMIN-API.md): unauthenticated health and readiness for load balancers, and
/// <c>/v1</c> behind the admin token for operators and proxyctl.
/// </summary>
public static class AdminEndpoints
{
    public static void Map(WebApplication app, ProxyOptions options)
    {
        app.MapGet("/health", (IServiceProvider services) =>
        {
            var cluster = services.GetRequiredService<IClusterView>();
            var report = new HealthReport(
                cluster.ControlStoreState == "unreachable" ? "degraded" : "ok",
                options.NodeId,
                services.GetRequiredService<SessionRegistry>().Count,
                services.GetRequiredService<ConnectionLimit>().Current,
                services.GetRequiredService<TokenRegistry>().Count,
                cluster.JournalPosition,
                cluster.ControlStoreState);
            return AdminResults.Json(report, AdminJson.Context.HealthReport);
        });

        // Prometheus text format. Unauthenticated like /health: counts and names only, never a secret or a query.
        app.MapGet("/metrics", (HttpContext context, Sessions.Metrics.MetricsRegistry metrics) =>
        {
            context.Response.ContentType = Sessions.Metrics.MetricsRegistry.ContentType;
            metrics.WriteTo(context.Response.BodyWriter);
            return Task.CompletedTask;
        });

        app.MapGet("/ready", (NodeReadiness readiness) =>
            readiness.IsReady ? Results.Text("ready\n") : Results.Text("starting\n", statusCode: StatusCodes.Status503ServiceUnavailable));

        var v1 = app.MapGroup("/v1").AddEndpointFilter(new AdminAuthorizationFilter(app.Services.GetService<AdminCredential>()));
        TokenEndpoints.Map(v1);
        SessionEndpoints.Map(v1, options);
        CancelEndpoints.Map(v1);
        AuditEndpoints.Map(v1);
        JwtEndpoints.Map(v1);
        v1.MapGet("/cluster", async (IClusterView cluster, HttpContext context) =>
        {
            try
            {
                var members = await cluster.ListMembersAsync(context.RequestAborted).ConfigureAwait(false);
                return AdminResults.Json(new ClusterResponse(options.NodeId, cluster.ControlStoreState, members), AdminJson.Context.ClusterResponse);
            }
            catch (ControlStoreUnavailableException exception)
            {
                return AdminResults.Unavailable(exception.Message);
            }
        });
    }
}
