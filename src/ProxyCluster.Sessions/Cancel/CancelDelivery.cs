using ProxyCluster.Protocol.Frontend;

namespace ProxyCluster.Sessions.Cancel;

/// <summary>
/// Where a CancelRequest goes: for a key this node minted, to the upstream server of that session, with the key
/// the server gave the proxy; for another node's key, to that node (<see cref="SessionServices.PeerCancel"/>),
/// which delivers it only to its own sessions, so a key can travel at most one hop. Every outcome is a sentence
/// for the log: the client is told nothing either way, as PostgreSQL tells it nothing.
/// </summary>
public static class CancelDelivery
{
    /// <summary>A CancelRequest a client sent to this node.</summary>
    public static async Task<string> FromClientAsync(SessionServices services, CancelRequest key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var owner = CancelKeyRegistry.OwnerOf(key);
        if (owner == services.CancelKeys.NodeOrdinal)
        {
            return await ToUpstreamAsync(services, key, cancellationToken).ConfigureAwait(false);
        }

        if (services.PeerCancel is not { } peers)
        {
            return $"minted by node ordinal {owner}, and this node has no cluster to forward it to";
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(services.Limits.CancelTimeout);
        try
        {
            return await peers.ForwardAsync(owner, key, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return $"node ordinal {owner} did not answer within {services.Limits.CancelTimeout.TotalSeconds:0.#} s";
        }
    }

    /// <summary>A CancelRequest another node forwarded: delivered only to this node's sessions, never forwarded again.</summary>
    public static Task<string> FromPeerAsync(SessionServices services, CancelRequest key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        return CancelKeyRegistry.OwnerOf(key) == services.CancelKeys.NodeOrdinal
            ? ToUpstreamAsync(services, key, cancellationToken)
            : Task.FromResult($"not minted by this node (ordinal {CancelKeyRegistry.OwnerOf(key)}); not forwarded again");
    }

    private static async Task<string> ToUpstreamAsync(SessionServices services, CancelRequest key, CancellationToken cancellationToken)
    {
        if (services.CancelKeys.Resolve(key) is not { } target)
        {
            return "no such session on this node";
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(services.Limits.CancelTimeout);
        try
        {
            await services.Upstream.CancelAsync(target.Route, target.UpstreamKey, timeout.Token).ConfigureAwait(false);
            return $"forwarded to {target.Route}";
        }
        catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            return $"could not reach {target.Route}: {exception.GetType().Name}";
        }
    }
}
