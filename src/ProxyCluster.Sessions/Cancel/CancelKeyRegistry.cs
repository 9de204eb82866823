using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using ProxyCluster.Protocol.Frontend;

namespace ProxyCluster.Sessions.Cancel;

/// <summary>
/// Mints the BackendKeyData the proxy hands its clients and resolves CancelRequests back to the upstream key.
/// The process id encodes the owning node in its top 7 bits so that a CancelRequest arriving at another node
/// behind the load balancer can be forwarded to its owner; the low 24 bits are a per-node counter. The secret is
/// random and compared in constant time: guessing it must be no easier than guessing the server's.
/// </summary>
public sealed class CancelKeyRegistry
{
    public const int MaxNodeOrdinal = 0x7F;
    private const int CounterMask = 0x00FF_FFFF;

    private readonly ConcurrentDictionary<int, Entry> _entries = new();
    private readonly int _nodeBits;
    private int _counter;

    public CancelKeyRegistry(int nodeOrdinal)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodeOrdinal);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nodeOrdinal, MaxNodeOrdinal);
        NodeOrdinal = nodeOrdinal;
        _nodeBits = nodeOrdinal << 24;
    }

    public int NodeOrdinal { get; }

    public int Count => _entries.Count;

    /// <summary>The node that minted a key, from its process id.</summary>
    public static int OwnerOf(CancelRequest key) => (key.ProcessId >> 24) & MaxNodeOrdinal;

    /// <summary>Mints a key for a session; the caller must <see cref="Release"/> it when the session ends.</summary>
    public CancelRequest Mint(CancelTarget target)
    {
        var entry = new Entry(RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue), target);
        while (true)
        {
            // Skipping ids still in use matters only after 16M sessions on one node, but then it matters.
            var processId = _nodeBits | (Interlocked.Increment(ref _counter) & CounterMask);
            if (processId != 0 && _entries.TryAdd(processId, entry))
            {
                return new CancelRequest(processId, entry.Secret);
            }
        }
    }

    public void Release(CancelRequest key) => _entries.TryRemove(key.ProcessId, out _);

    /// <summary>The upstream target for a presented key, or null when the key is unknown or its secret is wrong.</summary>
    public CancelTarget? Resolve(CancelRequest presented)
    {
        if (!_entries.TryGetValue(presented.ProcessId, out var entry))
        {
            return null;
        }

        Span<int> secrets = [entry.Secret, presented.SecretKey];
        var bytes = MemoryMarshal.AsBytes(secrets);
        return CryptographicOperations.FixedTimeEquals(bytes[..4], bytes[4..]) ? entry.Target : null;
    }

    private sealed record Entry(int Secret, CancelTarget Target);
}
