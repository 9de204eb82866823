using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ProxyCluster.Control.Journal;
using ProxyCluster.Node.Cluster;
using ProxyCluster.Tokens;
using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Node.Admin;

/// <summary>
/// <c>POST /v1/jwt/revoke</c>: a JWT is revoked by its issuer and <c>jti</c> (or subject, for JWTs without one)
/// through the same journal as API tokens, so every node refuses it and cuts its sessions the same way.
/// </summary>
public static class JwtEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapPost("/jwt/revoke", async (HttpRequest request, IServiceProvider services) =>
        {
            var (body, error) = await AdminResults.ReadBodyAsync(request, AdminJson.Context.RevokeJwtRequest).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }

            if (services.GetService<ControlPlane>() is not { } control)
            {
                return AdminResults.Invalid("this node has no control store; JWT revocations live in its journal");
            }

            if (string.IsNullOrWhiteSpace(body!.Issuer) || (string.IsNullOrWhiteSpace(body.Jti) && string.IsNullOrWhiteSpace(body.Subject)))
            {
                return AdminResults.Invalid("issuer and one of jti or subject are required");
            }

            var id = ExternalTokenIds.ForJwt(body.Issuer, body.Jti, body.Subject ?? string.Empty);
            var principal = body.Jti is { Length: > 0 } jti ? $"jwt {body.Issuer} jti {jti}" : $"jwt {body.Issuer} sub {body.Subject}";
            var append = new TokenAppend(id, TokenEventType.Revoked, body.Actor ?? "admin", body.Reason,
                new TokenEventPayload { External = "jwt", Principal = principal });
            return await TokenEndpoints.RevokeAsync(control, services, append, request.HttpContext.RequestAborted).ConfigureAwait(false);
        });
    }
}
