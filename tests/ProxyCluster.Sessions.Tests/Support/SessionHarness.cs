using Microsoft.Extensions.Logging.Abstractions;
using ProxyCluster.Sessions.Cancel;
using ProxyCluster.Sessions.Lifecycle;
using ProxyCluster.Sessions.Routing;
using ProxyCluster.Tokens;

namespace ProxyCluster.Sessions.Tests.Support;

/// <summary>
/// A node's session services with one minted token, one route ("app") and a <see cref="ScriptedUpstream"/>;
/// <see cref="Connect"/> opens a client connection over in-memory pipes and runs a <see cref="ClientSession"/> on it.
/// </summary>
internal sealed class SessionHarness : IAsyncDisposable
{
    public const string Database = "app";
    public const string UpstreamDatabase = "app_upstream";
    public const int NodeOrdinal = 5;

    private readonly CancellationTokenSource _hostStopping = new();
    private readonly List<ClientUnderTest> _clients = [];

    public SessionHarness(SessionLimits? limits = null, IReadOnlyList<string>? tokenRoutes = null, DateTimeOffset? tokenExpiresAt = null)
    {
        Secret = ApiToken.Mint(out var tokenId);
        TokenId = tokenId;
        Tokens = new TokenRegistry([TokenRecord.Create(Secret, "alice@example.com", TokenRecord.DefaultPolicy, tokenRoutes ?? [], tokenExpiresAt)]);
        Route = new RouteConfig(Database, "db.internal", 5432, UpstreamDatabase, "proxy_role", new FileOrEnvironmentPassword(null, null));
        Services = new SessionServices(
            Tokens,
            new RouteTable([Route]),
            Upstream,
            CancelKeys,
            Sessions,
            limits ?? new SessionLimits(),
            TimeProvider.System,
            NullLogger.Instance);
    }

    public string Secret { get; }

    public string TokenId { get; }

    public string User => ApiToken.UserNameFor(TokenId);

    public TokenRegistry Tokens { get; }

    public RouteConfig Route { get; }

    public ScriptedUpstream Upstream { get; } = new();

    public CancelKeyRegistry CancelKeys { get; } = new(NodeOrdinal);

    public SessionRegistry Sessions { get; } = new();

    public SessionServices Services { get; }

    /// <param name="cleartextAllowed">As on a TLS listener, or one marked insecure for local development.</param>
    public ClientUnderTest Connect(bool cleartextAllowed = false)
    {
        var client = new ClientUnderTest(Services, cleartextAllowed, _hostStopping.Token);
        _clients.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _hostStopping.CancelAsync();
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        _hostStopping.Dispose();
    }
}
