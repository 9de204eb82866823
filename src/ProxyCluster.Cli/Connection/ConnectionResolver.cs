using System.Diagnostics.CodeAnalysis;
using ProxyCluster.Cli.Admin;

namespace ProxyCluster.Cli.Connection;

/// <summary>
/// Decides which node to talk to and with which admin token, first match wins.
/// Node: <c>--node</c>, <c>$PROXYCTL_NODE</c>, the first of <c>ADMIN_URLS</c> in cluster.env.
/// Admin token: <c>--admin-token-file</c>, <c>$PROXYCTL_ADMIN_TOKEN</c>, <c>$PROXYCTL_ADMIN_TOKEN_FILE</c>,
/// <c>ADMIN_TOKEN_FILE</c> in cluster.env; none at all means no Authorization header.
/// cluster.env is <see cref="ClusterEnvFile.Discover"/>'s, read only when an earlier source is missing.
/// </summary>
internal static class ConnectionResolver
{
    public const string NodeVariable = "PROXYCTL_NODE";
    public const string AdminTokenVariable = "PROXYCTL_ADMIN_TOKEN";
    public const string AdminTokenFileVariable = "PROXYCTL_ADMIN_TOKEN_FILE";
    public const string AdminUrlsKey = "ADMIN_URLS";
    public const string AdminTokenFileKey = "ADMIN_TOKEN_FILE";

    public static bool TryResolve(
        string? nodeOption,
        string? adminTokenFileOption,
        CliEnvironment environment,
        [NotNullWhen(true)] out AdminConnection? connection,
        [NotNullWhen(false)] out AdminFailure? failure)
    {
        connection = null;
        var clusterEnv = new Lazy<ClusterEnvFile?>(() => ClusterEnvFile.Discover(environment));

        if (!TryResolveNode(nodeOption, environment, clusterEnv, out var node, out var nodeSource, out failure) ||
            !TryResolveAdminToken(adminTokenFileOption, environment, clusterEnv, out var token, out var tokenSource, out failure))
        {
            return false;
        }

        connection = new AdminConnection(node, token, nodeSource, tokenSource);
        return true;
    }

    private static bool TryResolveNode(
        string? nodeOption,
        CliEnvironment environment,
        Lazy<ClusterEnvFile?> clusterEnv,
        [NotNullWhen(true)] out Uri? node,
        [NotNullWhen(true)] out string? source,
        [NotNullWhen(false)] out AdminFailure? failure)
    {
        string? text;
        if (nodeOption is not null)
        {
            (text, source) = (nodeOption, "--node");
        }
        else if (environment.GetNonEmpty(NodeVariable) is { } fromVariable)
        {
            (text, source) = (fromVariable, NodeVariable);
        }
        else if (clusterEnv.Value is { } file && FirstAddress(file[AdminUrlsKey]) is { } fromFile)
        {
            (text, source) = (fromFile, $"{AdminUrlsKey} in {file.Path}");
        }
        else
        {
            node = null;
            source = null;
            failure = AdminFailure.Usage(
                $"no node to talk to: pass --node host:port, set {NodeVariable}, or run inside a checkout where " +
                $"cluster-config/up.sh has written {ClusterEnvFile.RelativePath}");
            return false;
        }

        if (!NodeAddress.TryParse(text, out node, out var error))
        {
            failure = AdminFailure.Usage($"{error} (from {source})");
            return false;
        }

        failure = null;
        return true;
    }

    private static bool TryResolveAdminToken(
        string? adminTokenFileOption,
        CliEnvironment environment,
        Lazy<ClusterEnvFile?> clusterEnv,
        out string? token,
        out string? source,
        [NotNullWhen(false)] out AdminFailure? failure)
    {
        failure = null;
        if (adminTokenFileOption is not null)
        {
            source = $"--admin-token-file {adminTokenFileOption}";
            return TryReadTokenFile(environment.FullPath(adminTokenFileOption), source, out token, out failure);
        }

        if (environment.GetNonEmpty(AdminTokenVariable) is { } fromVariable)
        {
            source = AdminTokenVariable;
            return TryCheckToken(fromVariable, source, out token, out failure);
        }

        if (environment.GetNonEmpty(AdminTokenFileVariable) is { } fileFromVariable)
        {
            source = $"{AdminTokenFileVariable}={fileFromVariable}";
            return TryReadTokenFile(environment.FullPath(fileFromVariable), source, out token, out failure);
        }

        if (clusterEnv.Value is { } file && file[AdminTokenFileKey] is { } fileFromClusterEnv)
        {
            // up.sh writes absolute paths; a relative one is taken relative to cluster.env, not to wherever proxyctl runs.
            var path = Path.GetFullPath(fileFromClusterEnv, Path.GetDirectoryName(file.Path)!);
            source = $"{AdminTokenFileKey} in {file.Path}";
            return TryReadTokenFile(path, source, out token, out failure);
        }

        token = null;
        source = null;
        return true;
    }

    private static bool TryReadTokenFile(string path, string source, out string? token, [NotNullWhen(false)] out AdminFailure? failure)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            token = null;
            failure = AdminFailure.Failure($"cannot read the admin token file {path} ({source}): {e.Message}");
            return false;
        }

        return TryCheckToken(text, source, out token, out failure);
    }

    private static bool TryCheckToken(string text, string source, out string? token, [NotNullWhen(false)] out AdminFailure? failure)
    {
        token = text.Trim();
        failure = null;
        if (token.Length == 0)
        {
            failure = AdminFailure.Failure($"the admin token is empty ({source})");
        }
        else if (token.AsSpan().ContainsAnyInRange((char)0, (char)0x20) || token.Contains((char)0x7f, StringComparison.Ordinal))
        {
            // Never echo it: only say where it came from.
            failure = AdminFailure.Failure($"the admin token has spaces or control characters, which a header cannot carry ({source})");
        }

        if (failure is not null)
        {
            token = null;
            return false;
        }

        return true;
    }

    /// <summary>The first address of a space- or comma-separated list.</summary>
    private static string? FirstAddress(string? list) =>
        list?.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
}
