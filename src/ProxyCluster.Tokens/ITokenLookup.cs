using System.Diagnostics.CodeAnalysis;

namespace ProxyCluster.Tokens;

/// <summary>Finds a token by its public id. Implementations answer from memory; no I/O on the login path.</summary>
public interface ITokenLookup
{
    bool TryGet(string id, [NotNullWhen(true)] out TokenRecord? token);
}
