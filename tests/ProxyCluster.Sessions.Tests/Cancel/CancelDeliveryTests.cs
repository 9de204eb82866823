using ProxyCluster.Protocol.Frontend;
using ProxyCluster.Sessions.Cancel;
using ProxyCluster.Sessions.Tests.Support;

namespace ProxyCluster.Sessions.Tests.Cancel;

/// <summary>Which way a CancelRequest goes: to our upstream, to the node that minted it, or nowhere; never two hops.</summary>
public sealed class CancelDeliveryTests
{
    private static readonly CancelRequest OtherNodesKey = new((9 << 24) | 42, 1234);

    [Fact]
    public async Task FromClient_AnotherNodesKey_IsHandedToThatNode_AndNotToOurUpstream()
    {
        await using var harness = new SessionHarness();
        var peers = new RecordingPeers();
        var services = harness.Services with { PeerCancel = peers };

        var outcome = await CancelDelivery.FromClientAsync(services, OtherNodesKey, CancellationToken.None);

        Assert.Equal("handed over", outcome);
        Assert.Equal([(9, OtherNodesKey)], peers.Forwarded);
        Assert.Empty(harness.Upstream.CancelRequests);
    }

    [Fact]
    public async Task FromClient_AnotherNodesKey_WithoutACluster_GoesNowhere()
    {
        await using var harness = new SessionHarness();

        var outcome = await CancelDelivery.FromClientAsync(harness.Services, OtherNodesKey, CancellationToken.None);

        Assert.Contains("minted by node ordinal 9", outcome, StringComparison.Ordinal);
        Assert.Empty(harness.Upstream.CancelRequests);
    }

    [Fact]
    public async Task FromClient_PeerThatNeverAnswers_IsGivenUpAfterTheCancelTimeout()
    {
        await using var harness = new SessionHarness(new SessionLimits { CancelTimeout = TimeSpan.FromMilliseconds(100) });
        var services = harness.Services with { PeerCancel = new SilentPeers() };

        var outcome = await CancelDelivery.FromClientAsync(services, OtherNodesKey, CancellationToken.None);

        Assert.Contains("did not answer", outcome, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromPeer_AKeyThisNodeDidNotMint_IsNotForwardedAgain()
    {
        await using var harness = new SessionHarness();
        var peers = new RecordingPeers();
        var services = harness.Services with { PeerCancel = peers };

        var outcome = await CancelDelivery.FromPeerAsync(services, OtherNodesKey, CancellationToken.None);

        Assert.Contains("not forwarded again", outcome, StringComparison.Ordinal);
        Assert.Empty(peers.Forwarded);
    }

    [Fact]
    public async Task FromPeer_OurOwnKey_ReachesOurUpstream()
    {
        await using var harness = new SessionHarness();
        var key = await harness.Connect().OpenAsync(harness.User, harness.Secret);

        var outcome = await CancelDelivery.FromPeerAsync(harness.Services, key, CancellationToken.None);

        Assert.StartsWith("forwarded to", outcome, StringComparison.Ordinal);
        Assert.Equal((harness.Route, ScriptedUpstream.ServerKey), Assert.Single(harness.Upstream.CancelRequests));
    }

    private sealed class RecordingPeers : IPeerCancel
    {
        public List<(int Owner, CancelRequest Key)> Forwarded { get; } = [];

        public Task<string> ForwardAsync(int ownerOrdinal, CancelRequest key, CancellationToken cancellationToken)
        {
            Forwarded.Add((ownerOrdinal, key));
            return Task.FromResult("handed over");
        }
    }

    private sealed class SilentPeers : IPeerCancel
    {
        public async Task<string> ForwardAsync(int ownerOrdinal, CancelRequest key, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return "unreachable";
        }
    }
}
