using System.Collections.Concurrent;
using ProxyCluster.Policy;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Sessions.Policy;
using ProxyCluster.Sql;
using ProxyCluster.Tokens;

namespace ProxyCluster.Node.Policy;

/// <summary>
/// Gives each session the checks of its token's policy: a gate over the shared SQL analyzer, or one that denies
/// everything when the policy is missing or invalid. A token either names one of the node's policies or carries
/// its own document (created with <c>proxyctl token create --policy FILE</c>); carried documents are compiled once
/// per distinct text and cached, because every session of the token asks again.
/// </summary>
public sealed class SqlStatementPolicy : IStatementPolicy
{
    /// <summary>Carried documents kept compiled; beyond this the cache starts over (documents rarely change).</summary>
    private const int MaxCachedDocuments = 1024;

    private readonly PolicyCatalog _catalog;
    private readonly SqlAnalyzer _analyzer;
    private readonly ConcurrentDictionary<string, CompiledDocument> _documents = new(StringComparer.Ordinal);

    public SqlStatementPolicy(PolicyCatalog catalog, SqlAnalyzer analyzer)
    {
        _catalog = catalog;
        _analyzer = analyzer;
    }

    public IStatementGate? GateFor(TokenRecord token)
    {
        if (token.PolicyDocument is { } document)
        {
            var compiled = Compile(document);
            return compiled.Policy is { } carried
                ? new SqlStatementGate(carried, _analyzer)
                : DenyAll($"policy \"{token.Policy}\" of this token is invalid: {compiled.Error}", "Every statement is denied until the policy is fixed.");
        }

        if (!_catalog.TryGet(token.Policy, out var policy))
        {
            return DenyAll($"policy \"{token.Policy}\" of this token is not defined on this node", "Every statement is denied until the policy exists.");
        }

        // Even unrestricted sessions are checked: the proxy must still read every query as the server will
        // (client_encoding, standard_conforming_strings stay pinned) and refuse what it cannot read.
        return new SqlStatementGate(policy, _analyzer);
    }

    /// <summary>Compiles a carried document as the node would; null and the error when it is not a valid policy.</summary>
    public static (SqlPolicy? Policy, string? Error) TryCompile(string document)
    {
        try
        {
            var policy = SqlPolicy.Compile(PolicyDocument.Parse(document, defaultName: null, source: "token policy"));
            return PolicyCatalog.BuiltIn.TryGet(policy.Name, out _)
                ? (null, $"\"{policy.Name}\" is a built-in policy name; a carried policy needs its own name")
                : (policy, null);
        }
        catch (PolicyLoadException exception)
        {
            return (null, exception.Message);
        }
    }

    private CompiledDocument Compile(string document)
    {
        if (_documents.TryGetValue(document, out var cached))
        {
            return cached;
        }

        if (_documents.Count >= MaxCachedDocuments)
        {
            _documents.Clear();
        }

        var (policy, error) = TryCompile(document);
        return _documents.GetOrAdd(document, new CompiledDocument(policy, error));
    }

    private static DenyEverythingGate DenyAll(string message, string hint) =>
        new(PostgresError.Error(SqlState.InsufficientPrivilege, message, hint: hint));

    private sealed record CompiledDocument(SqlPolicy? Policy, string? Error);
}
