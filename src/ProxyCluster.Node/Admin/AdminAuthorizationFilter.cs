using Microsoft.AspNetCore.Http;

namespace ProxyCluster.Node.Admin;

/// <summary>Lets a <c>/v1</c> request through only with the admin token, when one is configured.</summary>
public sealed class AdminAuthorizationFilter(AdminCredential? credential) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (credential is not null && !credential.Accepts(context.HttpContext.Request.Headers.Authorization.ToString()))
        {
            return ValueTask.FromResult<object?>(AdminResults.Unauthorized());
        }

        return next(context);
    }
}
