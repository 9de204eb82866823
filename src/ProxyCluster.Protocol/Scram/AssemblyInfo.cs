using System.Runtime.CompilerServices;

// The RFC 7677 test vector needs fixed nonces; the internal constructors that accept them are for tests only.
// Declared here rather than in the csproj so the Scram folder owns everything it needs.
[assembly: InternalsVisibleTo("ProxyCluster.Protocol.Tests")]
