using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ProxyCluster.Control;
using ProxyCluster.Control.Audit;
using ProxyCluster.Node.Cluster;

namespace ProxyCluster.Node.Admin;

/// <summary>
/// <c>GET /v1/audit</c>: searches the audit trail every node writes to the control store (<c>proxyctl audit search</c>,
/// <c>proxyctl audit tail</c>). Any node answers for the whole cluster. A node without a control store writes its
/// audit to a file only, and has nothing to search.
/// </summary>
public static class AuditEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        v1.MapGet("/audit", async (HttpRequest request, IServiceProvider services) =>
        {
            if (AuditSearchParameters.TryParse(request.Query, out var invalid) is not { } search)
            {
                return AdminResults.Invalid(invalid!);
            }

            if (services.GetService<ControlPlane>() is not { } control)
            {
                return AdminResults.Invalid("this node has no control store; its audit goes to its audit file");
            }

            IReadOnlyList<StoredAuditRecord> found;
            try
            {
                found = await new AuditQueries(control.Store).SearchAsync(search, request.HttpContext.RequestAborted).ConfigureAwait(false);
            }
            catch (ControlStoreUnavailableException exception)
            {
                return AdminResults.Unavailable($"cannot search the audit trail: {exception.Message}");
            }

            var records = new AuditRecordBody[found.Count];
            var lastId = search.AfterId;
            for (var i = 0; i < found.Count; i++)
            {
                records[i] = new AuditRecordBody(found[i].Id, found[i].Record);
                lastId = Math.Max(lastId ?? 0, found[i].Id);
            }

            return AdminResults.Json(new AuditSearchResponse(records, lastId), AuditJsonContext.Default.AuditSearchResponse);
        });
    }
}
