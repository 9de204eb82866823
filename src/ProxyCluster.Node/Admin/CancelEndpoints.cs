using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using ProxyCluster.Protocol.Frontend;
using ProxyCluster.Sessions;
using ProxyCluster.Sessions.Cancel;

namespace ProxyCluster.Node.Admin;

/// <summary>
/// <c>POST /v1/cancel</c>: a CancelRequest another node received for a session of this one. It is delivered to
/// this node's own sessions only (never forwarded again), and the answer says what became of it, for the
/// forwarding node's log. Like every <c>/v1</c> call it needs the admin token when one is configured.
/// </summary>
public static partial class CancelEndpoints
{
    public static void Map(RouteGroupBuilder v1) =>
        v1.MapPost("/cancel", async (HttpRequest request, SessionServices services, ILoggerFactory logging) =>
        {
            var (body, error) = await AdminResults.ReadBodyAsync(request, AdminJson.Context.CancelKeyRequest).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }

            var key = new CancelRequest(body!.ProcessId, body.SecretKey);
            var outcome = await CancelDelivery.FromPeerAsync(services, key, request.HttpContext.RequestAborted).ConfigureAwait(false);
            LogForwardedCancel(logging.CreateLogger(typeof(CancelEndpoints).FullName!), request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "?", key.ProcessId, outcome);
            return AdminResults.Json(new CancelKeyResponse(outcome), AdminJson.Context.CancelKeyResponse);
        });

    [LoggerMessage(Level = LogLevel.Information, Message = "cancel request forwarded by the node at {PeerAddress} for process {ProcessId}: {Outcome}")]
    private static partial void LogForwardedCancel(ILogger logger, string peerAddress, int processId, string outcome);
}
