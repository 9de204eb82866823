using System.Net;

namespace ProxyCluster.Node.Jwt;

/// <summary>
/// How this node accepts JWTs as passwords, bound from <c>Proxy:Jwt</c>. The keys come from a JWKS file or URL;
/// the claims name the principal, its policy and the routes it may use.
/// </summary>
public sealed class JwtOptions
{
    public const string Section = "Proxy:Jwt";

    /// <summary>Algorithms a node may be configured to accept: asymmetric only, never <c>none</c> or <c>HS*</c>.</summary>
    public static readonly IReadOnlyList<string> SupportedAlgorithms =
        ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    /// <summary>Required; the token's <c>iss</c> must equal it exactly (ordinal, no trailing-slash leniency).</summary>
    public string Issuer { get; set; } = "";

    /// <summary>At least one; the token's <c>aud</c> must contain one of them.</summary>
    public IList<string> Audiences { get; init; } = [];

    /// <summary>A JWKS file, re-read when its size or modification time changes. One of this or <see cref="JwksUrl"/>.</summary>
    public string? JwksFile { get; set; }

    /// <summary>A JWKS URL: https, or http only on a loopback host.</summary>
    public string? JwksUrl { get; set; }

    /// <summary>URL: refetch period. File: how often its size and modification time are checked.</summary>
    public int JwksRefreshSeconds { get; set; } = 300;

    public string PrincipalClaim { get; set; } = "sub";

    /// <summary>Names a policy the node knows (the caller checks that it exists).</summary>
    public string PolicyClaim { get; set; } = "policy";

    /// <summary>A string or an array of database names; a missing claim means every route.</summary>
    public string RoutesClaim { get; set; } = "routes";

    /// <summary>Used when the policy claim is missing; null makes the claim required.</summary>
    public string? DefaultPolicy { get; set; }

    public int ClockSkewSeconds { get; set; } = 30;

    public IList<string> Algorithms { get; init; } = ["RS256", "ES256"];

    /// <summary>The problems with <paramref name="o"/>, each naming its key; empty when the options are usable.</summary>
    public static IReadOnlyList<string> Validate(JwtOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(o.Issuer))
        {
            problems.Add($"{Section}:Issuer is required");
        }

        if (o.Audiences.Count == 0 || o.Audiences.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add($"{Section}:Audiences needs at least one audience and no empty entries");
        }

        var hasFile = !string.IsNullOrWhiteSpace(o.JwksFile);
        var hasUrl = !string.IsNullOrWhiteSpace(o.JwksUrl);
        if (hasFile == hasUrl)
        {
            problems.Add($"{Section}: set exactly one of JwksFile and JwksUrl");
        }

        if (hasUrl && JwksUrlProblem(o.JwksUrl!) is { } urlProblem)
        {
            problems.Add($"{Section}:JwksUrl {urlProblem}");
        }

        if (o.JwksRefreshSeconds is < 1 or > 86_400)
        {
            problems.Add($"{Section}:JwksRefreshSeconds must be between 1 and 86400");
        }

        RequireClaimName(problems, o.PrincipalClaim, nameof(PrincipalClaim));
        RequireClaimName(problems, o.PolicyClaim, nameof(PolicyClaim));
        RequireClaimName(problems, o.RoutesClaim, nameof(RoutesClaim));
        if (o.DefaultPolicy is not null && string.IsNullOrWhiteSpace(o.DefaultPolicy))
        {
            problems.Add($"{Section}:DefaultPolicy must be a policy name or absent");
        }

        if (o.ClockSkewSeconds is < 0 or > 300)
        {
            problems.Add($"{Section}:ClockSkewSeconds must be between 0 and 300");
        }

        if (o.Algorithms.Count == 0)
        {
            problems.Add($"{Section}:Algorithms needs at least one of {string.Join(", ", SupportedAlgorithms)}");
        }

        foreach (var algorithm in o.Algorithms)
        {
            if (!SupportedAlgorithms.Contains(algorithm, StringComparer.Ordinal))
            {
                problems.Add($"{Section}:Algorithms: '{algorithm}' is not accepted; use {string.Join(", ", SupportedAlgorithms)}");
            }
        }

        return problems;
    }

    private static void RequireClaimName(List<string> problems, string value, string key)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{Section}:{key} must name a claim");
        }
    }

    private static string? JwksUrlProblem(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "is not an absolute URL";
        }

        if (uri.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }

        if (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri))
        {
            return null;
        }

        return "must use https (http is allowed only on a loopback host)";
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
}
