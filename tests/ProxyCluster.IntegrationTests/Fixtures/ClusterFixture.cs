using Microsoft.Extensions.Logging;
using Npgsql;
using ProxyCluster.Node.Configuration;
using ProxyCluster.Node.Hosting;

namespace ProxyCluster.IntegrationTests.Fixtures;

/// <summary>
/// Three proxy nodes in this process sharing one control store, in front of one real PostgreSQL: the cluster of
/// the design, on loopback. The control store is its own database and role on the same server unless a test
/// class asks for a separate server (to stop it without stopping the upstream).
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    public const string AppDatabase = "app";
    public const string AppRole = "proxy_app";
    public const string ControlDatabase = "proxycluster";
    public const string ControlRole = "proxycluster_control";
    public const int NodeCount = 3;

    private readonly bool _separateControlServer;
    private string _directory = string.Empty;
    private string _upstreamPasswordFile = string.Empty;
    private string _controlPasswordFile = string.Empty;
    private int _controlPort;

    public ClusterFixture()
        : this(separateControlServer: false)
    {
    }

    protected ClusterFixture(bool separateControlServer) => _separateControlServer = separateControlServer;

    public PostgresServer Postgres { get; private set; } = null!;

    /// <summary>The control store's server: <see cref="Postgres"/> itself unless the fixture runs a separate one.</summary>
    public PostgresServer ControlServer { get; private set; } = null!;

    public List<ProxyNode> Nodes { get; } = [];

    public List<CollectingLoggerProvider> Logs { get; } = [];

    public string AdminToken { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    public string AdminTokenFile => Path.Combine(_directory, "admin.token");

    public string PolicyDirectory => Path.Combine(_directory, "policies");

    /// <summary>The identity provider whose JWTs every node accepts.</summary>
    public TestIdentityProvider Idp { get; } = new();

    private string JwksFile => Path.Combine(_directory, "jwks.json");

    public async Task InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("proxycluster-cluster-").FullName;
        Postgres = await PostgresServer.StartAsync();
        ControlServer = _separateControlServer ? await PostgresServer.StartAsync() : Postgres;
        _controlPort = ControlServer.Port;

        var upstreamPassword = await Postgres.CreateRoleAsync(AppRole);
        await Postgres.CreateDatabaseAsync(AppDatabase, AppRole);
        await Postgres.ExecuteAsync($"CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL); INSERT INTO users VALUES (1, 'ada'); ALTER TABLE users OWNER TO {AppRole};", AppDatabase);
        var controlPassword = await ControlServer.CreateRoleAsync(ControlRole);
        await ControlServer.CreateDatabaseAsync(ControlDatabase, ControlRole);

        _upstreamPasswordFile = Path.Combine(_directory, "upstream.password");
        _controlPasswordFile = Path.Combine(_directory, "control.password");
        await File.WriteAllTextAsync(_upstreamPasswordFile, upstreamPassword + "\n");
        await File.WriteAllTextAsync(_controlPasswordFile, controlPassword + "\n");
        await File.WriteAllTextAsync(AdminTokenFile, AdminToken + "\n");
        Directory.CreateDirectory(PolicyDirectory);
        Idp.WriteJwks(JwksFile);
        await File.WriteAllTextAsync(Path.Combine(PolicyDirectory, "users-reader.yaml"), ProxyFixture.UsersReaderPolicy);

        // Started one after another, as a rolling start would; migrations run concurrently in the control tests.
        for (var i = 1; i <= NodeCount; i++)
        {
            await StartNodeAsync(i);
        }
    }

    public ProxyOptions NodeOptions(int ordinal) => new()
    {
        NodeId = $"node-{ordinal}",
        NodeOrdinal = ordinal,
        AuthTimeoutSeconds = 5,
        Jwt = new ProxyCluster.Node.Jwt.JwtOptions { Issuer = TestIdentityProvider.Issuer, Audiences = { TestIdentityProvider.Audience }, JwksFile = JwksFile },
        // Tests probe refused tokens from one address on purpose; the throttle has tests of its own.
        AuthFailureThrottle = new AuthFailureThrottleOptions { FreeAttempts = 1_000_000 },
        PolicyDirectory = PolicyDirectory,
        Listeners = { new ListenerOptions { Address = "127.0.0.1", Port = 0, InsecureCleartextForLocalDevelopment = true } },
        Admin = new AdminOptions { Address = "127.0.0.1", Port = 0, TokenFile = AdminTokenFile },
        Audit = new AuditOptions { SpillDirectory = Path.Combine(_directory, $"audit-spill-{ordinal}") },
        ControlStore = new ControlStoreOptions
        {
            Host = "127.0.0.1",
            Port = _controlPort,
            Database = ControlDatabase,
            User = ControlRole,
            PasswordFile = _controlPasswordFile,
            HeartbeatIntervalMilliseconds = 200,
            PollIntervalMilliseconds = 500,
        },
        Routes =
        {
            new RouteOptions { Name = AppDatabase, Host = "127.0.0.1", Port = Postgres.Port, Database = AppDatabase, User = AppRole, PasswordFile = _upstreamPasswordFile, ConnectTimeoutSeconds = 5 },
        },
    };

    /// <summary>Starts node <paramref name="ordinal"/> (1-based) and adds it to <see cref="Nodes"/>.</summary>
    public async Task<ProxyNode> StartNodeAsync(int ordinal)
    {
        var logs = new CollectingLoggerProvider();
        var node = ProxyNode.Create(NodeOptions(ordinal), logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(logs);
            logging.SetMinimumLevel(LogLevel.Debug);
        });
        await node.StartAsync();
        Nodes.Add(node);
        Logs.Add(logs);
        return node;
    }

    public int PortOf(int index) => Nodes[index].PostgresEndPoints[0].Port;

    public string AdminUrlOf(int index) => $"http://127.0.0.1:{Nodes[index].AdminEndPoint!.Port}";

    public AdminHttp Admin(int index) => new(AdminUrlOf(index), AdminToken);

    public string ConnectionString(int nodeIndex, string user, string password) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = PortOf(nodeIndex),
            Database = AppDatabase,
            Username = user,
            Password = password,
            Pooling = false,
            SslMode = SslMode.Disable,
            Timeout = 15,
            CommandTimeout = 60,
        }.ConnectionString;

    public async Task<NpgsqlConnection> OpenAsync(int nodeIndex, string user, string password)
    {
        var connection = new NpgsqlConnection(ConnectionString(nodeIndex, user, password));
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Whether node <paramref name="nodeIndex"/> lets this user and password in now (false for 28P01).</summary>
    public async Task<bool> AcceptsAsync(int nodeIndex, string user, string password)
    {
        try
        {
            await (await OpenAsync(nodeIndex, user, password)).DisposeAsync();
            return true;
        }
        catch (PostgresException e) when (e.SqlState == "28P01")
        {
            return false;
        }
    }

    public Task<bool> AcceptsAsync(int nodeIndex, TestToken token) => AcceptsAsync(nodeIndex, token.User, token.Token);

    public async Task DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.StopAsync();
            await node.DisposeAsync();
        }

        if (_separateControlServer && ControlServer is not null)
        {
            await ControlServer.DisposeAsync();
        }

        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }

        Idp.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
