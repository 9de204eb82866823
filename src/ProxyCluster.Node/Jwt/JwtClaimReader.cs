using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ProxyCluster.Node.Jwt;

/// <summary>Maps the claims of a token whose signature, issuer, audience and lifetime have been checked to an identity.</summary>
internal static class JwtClaimReader
{
    public static JwtValidation Read(JsonWebToken token, JwtOptions options)
    {
        if (Text(token, options.PrincipalClaim) is not { } principal)
        {
            return JwtValidation.Refused(JwtFailures.MissingPrincipalClaim);
        }

        string policy;
        if (!token.TryGetPayloadValue<object>(options.PolicyClaim, out var policyValue) || policyValue is null)
        {
            if (options.DefaultPolicy is null)
            {
                return JwtValidation.Refused(JwtFailures.MissingPolicyClaim);
            }

            policy = options.DefaultPolicy;
        }
        else if (policyValue is string { Length: > 0 } named)
        {
            policy = named;
        }
        else
        {
            return JwtValidation.Refused(JwtFailures.InvalidPolicyClaim);
        }

        if (!TryReadRoutes(token, options.RoutesClaim, out var routes))
        {
            return JwtValidation.Refused(JwtFailures.InvalidRoutesClaim);
        }

        var expiresAt = new DateTimeOffset(DateTime.SpecifyKind(token.ValidTo, DateTimeKind.Utc));
        return JwtValidation.Accepted(new JwtIdentity(
            token.Issuer,
            Text(token, "sub") ?? "",
            Text(token, "jti"),
            principal,
            policy,
            routes,
            expiresAt));
    }

    /// <summary>A claim that is a non-empty JSON string; numbers, arrays and objects do not count.</summary>
    private static string? Text(JsonWebToken token, string claim) =>
        token.TryGetPayloadValue<object>(claim, out var value) && value is string { Length: > 0 } text ? text : null;

    /// <summary>Missing: every route (empty list). A string: that route. An array: its strings, at least one.</summary>
    private static bool TryReadRoutes(JsonWebToken token, string claim, out IReadOnlyList<string> routes)
    {
        routes = [];
        if (!token.TryGetPayloadValue<object>(claim, out var value) || value is null)
        {
            return true;
        }

        if (value is string { Length: > 0 } single)
        {
            routes = [single];
            return true;
        }

        if (value is not JsonElement { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() == 0)
        {
            return false; // an empty array names no route; it must not widen to every route
        }

        var names = new List<string>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 } name)
            {
                return false;
            }

            if (!names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
        }

        routes = names;
        return true;
    }
}
