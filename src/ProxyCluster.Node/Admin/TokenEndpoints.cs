using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ProxyCluster.Control;
using ProxyCluster.Control.Journal;
using ProxyCluster.Node.Cluster;
using ProxyCluster.Node.Policy;
using ProxyCluster.Policy;
using ProxyCluster.Sessions.Routing;
using ProxyCluster.Tokens;
using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Node.Admin;

/// <summary>
/// <c>/v1/tokens</c>: reads answer from this node's replica; writes append one event to the journal and answer
/// once this node has applied it, so what the answer says already holds here (and within milliseconds on every
/// other node). Without a control store there is nothing to administer: tokens come from the token file.
/// </summary>
public static class TokenEndpoints
{
    private const string Anonymous = "admin";

    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/tokens", (IServiceProvider services, TimeProvider time) =>
        {
            if (services.GetService<ControlPlane>() is not { } control)
            {
                return NoControlStore();
            }

            var now = time.GetUtcNow();
            var views = new List<TokenView>(control.Replica.States.Count);
            foreach (var state in control.Replica.States.Values)
            {
                views.Add(TokenView.From(state, now));
            }

            views.Sort((a, b) => a.IssuedAt != b.IssuedAt ? a.IssuedAt.CompareTo(b.IssuedAt) : string.CompareOrdinal(a.Id, b.Id));
            return AdminResults.Json(new TokenListResponse(views), AdminJson.Context.TokenListResponse);
        });

        v1.MapGet("/tokens/{id}", (string id, IServiceProvider services, TimeProvider time) =>
        {
            if (services.GetService<ControlPlane>() is not { } control)
            {
                return NoControlStore();
            }

            return control.Replica.States.TryGetValue(ApiToken.NormalizeUserToId(id), out var state)
                ? AdminResults.Json(TokenView.From(state, time.GetUtcNow()), AdminJson.Context.TokenView)
                : AdminResults.NotFound($"no token {id}");
        });

        v1.MapPost("/tokens", async (HttpRequest request, IServiceProvider services) =>
        {
            var (body, error) = await AdminResults.ReadBodyAsync(request, AdminJson.Context.CreateTokenRequest).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }

            if (services.GetService<ControlPlane>() is not { } control)
            {
                return NoControlStore();
            }

            var payload = new TokenEventPayload
            {
                Principal = body!.Principal,
                Routes = body.Routes ?? [],
                ExpiresAt = body.ExpiresAt,
                Secret = body.Secret,
            };
            if (CheckIssue(body, services) is { } invalid)
            {
                return AdminResults.Invalid(invalid);
            }

            if (ResolvePolicy(body.Policy, body.PolicyDocument, services, out var policyName) is { } badPolicy)
            {
                return AdminResults.Invalid(badPolicy);
            }

            payload = payload with { Policy = policyName ?? TokenRecord.DefaultPolicy, PolicyDocument = body.PolicyDocument };
            return await AppendAsync(control, services, new TokenAppend(body.Id, TokenEventType.Issued, body.Actor ?? Anonymous, null, payload), request.HttpContext.RequestAborted, StatusCodes.Status201Created).ConfigureAwait(false);
        });

        v1.MapPost("/tokens/{id}/revoke", async (string id, HttpRequest request, IServiceProvider services) =>
        {
            var (body, error) = await AdminResults.ReadBodyAsync(request, AdminJson.Context.RevokeTokenRequest).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }

            if (services.GetService<ControlPlane>() is not { } control)
            {
                return NoControlStore();
            }

            var tokenId = ApiToken.NormalizeUserToId(id);
            var append = new TokenAppend(tokenId, TokenEventType.Revoked, body!.Actor ?? Anonymous, body.Reason, TokenEventPayload.Empty);
            return await RevokeAsync(control, services, append, request.HttpContext.RequestAborted).ConfigureAwait(false);
        });

        v1.MapPost("/tokens/{id}/rotate", async (string id, HttpRequest request, IServiceProvider services) =>
        {
            var (body, error) = await AdminResults.ReadBodyAsync(request, AdminJson.Context.RotateTokenRequest).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }

            if (services.GetService<ControlPlane>() is not { } control)
            {
                return NoControlStore();
            }

            if (body!.OverlapSeconds is < 0 or > 366 * 86400)
            {
                return AdminResults.Invalid("overlap_seconds must be between 0 and a year");
            }

            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var payload = new TokenEventPayload
            {
                Secret = body.Secret,
                PreviousNotAfter = now.AddSeconds(body.OverlapSeconds ?? 0),
            };
            var tokenId = ApiToken.NormalizeUserToId(id);
            return await AppendAsync(control, services, new TokenAppend(tokenId, TokenEventType.Rotated, body.Actor ?? Anonymous, null, payload), request.HttpContext.RequestAborted).ConfigureAwait(false);
        });

        v1.MapPost("/tokens/{id}/scopes", async (string id, HttpRequest request, IServiceProvider services) =>
        {
            var (body, error) = await AdminResults.ReadBodyAsync(request, AdminJson.Context.ChangeScopesRequest).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }

            if (services.GetService<ControlPlane>() is not { } control)
            {
                return NoControlStore();
            }

            string? policyName = null;
            if ((body!.Policy is not null || body.PolicyDocument is not null) &&
                ResolvePolicy(body.Policy, body.PolicyDocument, services, out policyName) is { } badPolicy)
            {
                return AdminResults.Invalid(badPolicy);
            }

            if (body.Routes is { } routes && CheckRoutes(routes, services) is { } badRoute)
            {
                return AdminResults.Invalid(badRoute);
            }

            var payload = new TokenEventPayload
            {
                Policy = policyName,
                PolicyDocument = policyName is null ? null : body.PolicyDocument,
                Routes = body.Routes,
                ExpiresAt = body.ExpiresAt,
                ClearExpiry = body.ClearExpiry ?? false,
            };
            var tokenId = ApiToken.NormalizeUserToId(id);
            return await AppendAsync(control, services, new TokenAppend(tokenId, TokenEventType.PolicyChanged, body.Actor ?? Anonymous, null, payload), request.HttpContext.RequestAborted).ConfigureAwait(false);
        });
    }

    private static async Task<IResult> AppendAsync(ControlPlane control, IServiceProvider services, TokenAppend append, CancellationToken cancellationToken, int status = StatusCodes.Status200OK)
    {
        var result = await control.AppendAsync(append, cancellationToken).ConfigureAwait(false);
        return result is AppendOutcome.Applied(var state, var ordering)
            ? AdminResults.Json(TokenView.From(state, services.GetRequiredService<TimeProvider>().GetUtcNow(), ordering), AdminJson.Context.TokenView, status)
            : ToError(result);
    }

    /// <summary>
    /// Appends a revocation and answers as ADMIN-API.md says: the token, and whether it was revoked already (a
    /// revocation is final, so revoking again is not an error). Shared by tokens and JWTs.
    /// </summary>
    internal static async Task<IResult> RevokeAsync(ControlPlane control, IServiceProvider services, TokenAppend append, CancellationToken cancellationToken)
    {
        var result = await control.AppendAsync(append, cancellationToken).ConfigureAwait(false);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        return result switch
        {
            AppendOutcome.Applied(var state, var ordering) =>
                AdminResults.Json(new RevokeTokenResponse(TokenView.From(state, now, ordering), false), AdminJson.Context.RevokeTokenResponse),
            AppendOutcome.Refused { Kind: RefusalKind.AlreadyRevoked } when control.Replica.States.TryGetValue(append.TokenId, out var revoked) =>
                AdminResults.Json(new RevokeTokenResponse(TokenView.From(revoked, now), true), AdminJson.Context.RevokeTokenResponse),
            _ => ToError(result),
        };
    }

    private static IResult ToError(AppendOutcome outcome) => outcome switch
    {
        AppendOutcome.Refused { Kind: RefusalKind.NotFound } refused => AdminResults.NotFound(refused.Reason),
        AppendOutcome.Refused refused => AdminResults.Conflict(refused.Reason),
        AppendOutcome.Unavailable unavailable => AdminResults.Unavailable(unavailable.Reason),
        AppendOutcome.Invalid invalid => AdminResults.Invalid(invalid.Reason),
        AppendOutcome.Committed committed => AdminResults.Accepted(committed.Message),
        _ => AdminResults.Unavailable("unexpected outcome"),
    };

    private static string? CheckIssue(CreateTokenRequest body, IServiceProvider services)
    {
        if (!ApiToken.IsValidId(body.Id))
        {
            return $"\"{body.Id}\" is not a token id ({ApiToken.IdLength} characters of [a-z0-9])";
        }

        if (string.IsNullOrWhiteSpace(body.Principal))
        {
            return "principal must not be empty";
        }

        if (body.Secret is null)
        {
            return "secret (the token's verifiers) is required";
        }

        try
        {
            _ = body.Secret.ToVerifier();
        }
        catch (FormatException exception)
        {
            return $"secret: {exception.Message}";
        }

        if (body.ExpiresAt is { } expiresAt && expiresAt <= services.GetRequiredService<TimeProvider>().GetUtcNow())
        {
            return "expires_at is in the past";
        }

        return body.Routes is { } routes ? CheckRoutes(routes, services) : null;
    }

    private static string? CheckRoutes(IReadOnlyList<string> routes, IServiceProvider services)
    {
        var table = services.GetRequiredService<IRouteTable>();
        foreach (var route in routes)
        {
            if (string.IsNullOrWhiteSpace(route) || !table.TryGetRoute(route, out _))
            {
                return $"no route leads to database \"{route}\" on this node";
            }
        }

        return null;
    }

    /// <summary>A carried document must compile; a policy name must be one this node knows.</summary>
    private static string? ResolvePolicy(string? name, string? document, IServiceProvider services, out string? policyName)
    {
        policyName = name;
        if (document is not null)
        {
            var (compiled, error) = SqlStatementPolicy.TryCompile(document);
            if (compiled is null)
            {
                return $"policy_document: {error}";
            }

            if (name is not null && name != compiled.Name)
            {
                return $"policy \"{name}\" does not match the document's name \"{compiled.Name}\"";
            }

            policyName = compiled.Name;
            return null;
        }

        return name is null || services.GetRequiredService<PolicyCatalog>().TryGet(name, out _)
            ? null
            : $"unknown policy \"{name}\"; this node knows {string.Join(", ", services.GetRequiredService<PolicyCatalog>().Names.Order(StringComparer.Ordinal))}";
    }

    private static IResult NoControlStore() =>
        AdminResults.Invalid("this node has no control store (Proxy:ControlStore); its tokens come from its token file");
}
