using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Npgsql;
using ProxyCluster.Node.Configuration;
using ProxyCluster.Node.Hosting;

namespace ProxyCluster.IntegrationTests.Fixtures;

/// <summary>
/// A real throwaway PostgreSQL with an application database and role, and one proxy node in this process in front
/// of it. Routes: <c>app</c> (the database), <c>missingdb</c> (a database the server does not have),
/// <c>unreachable</c> (a port nobody listens on) and <see cref="ValuesAuditedDatabase"/> (the database again, with
/// parameter values audited). Tests mint their own tokens with <see cref="AddToken"/>.
/// </summary>
public sealed class ProxyFixture : IAsyncLifetime
{
    public const string AppDatabase = "app";
    public const string AppRole = "proxy_app";

    /// <summary>A route to <see cref="AppDatabase"/> that records parameter values in the audit trail.</summary>
    public const string ValuesAuditedDatabase = "app_values_audited";
    public const int AuthTimeoutSeconds = 3;

    /// <summary>"Token X may only SELECT from users."</summary>
    public const string UsersReaderPolicy = """
        name: users-reader
        allow:
          - name: read-users
            statements: [select]
            tables: [users]
        """;

    /// <summary>"Token Y may only INSERT into orders."</summary>
    public const string OrdersWriterPolicy = """
        { "name": "orders-writer",
          "allow": [ { "name": "write-orders", "statements": ["insert"], "tables": ["public.orders"], "functions": ["nextval"] } ] }
        """;

    /// <summary>Reads users, at most two sessions at a time on a node.</summary>
    public const string TwoSessionsPolicy = """
        name: two-sessions
        allow:
          - name: read-users
            statements: [select]
            tables: [users]
        settings:
          max_connections_per_node: 2
        """;

    private string _directory = string.Empty;

    public PostgresServer Postgres { get; private set; } = null!;

    public ProxyNode Node { get; private set; } = null!;

    public CollectingLoggerProvider Logs { get; } = new();

    public string UpstreamPassword { get; private set; } = string.Empty;

    /// <summary>A loopback listener that accepts the token as a cleartext password (local development mode).</summary>
    public int Port => Node.PostgresEndPoints[0].Port;

    /// <summary>A listener that accepts SCRAM only.</summary>
    public int ScramOnlyPort => Node.PostgresEndPoints[1].Port;

    public TestToken DefaultToken { get; private set; } = null!;

    /// <summary>The identity provider whose JWTs the node accepts (JWKS file in the fixture's directory).</summary>
    public TestIdentityProvider Idp { get; } = new();

    /// <summary>The node's JSON-lines audit trail.</summary>
    public string AuditFile => Path.Combine(_directory, "audit.jsonl");

    public string AdminUrl => $"http://127.0.0.1:{Node.AdminEndPoint!.Port}";

    public async Task InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("proxycluster-it-").FullName;
        Postgres = await PostgresServer.StartAsync();
        UpstreamPassword = await Postgres.CreateRoleAsync(AppRole);
        await Postgres.CreateDatabaseAsync(AppDatabase, AppRole);
        var passwordFile = Path.Combine(_directory, "upstream.password");
        await File.WriteAllTextAsync(passwordFile, UpstreamPassword + "\n");
        await Postgres.ExecuteAsync(
            $"""
            CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);
            CREATE TABLE orders (id serial PRIMARY KEY, user_id int NOT NULL, amount numeric NOT NULL);
            INSERT INTO users VALUES (1, 'ada'), (2, 'alan');
            ALTER TABLE users OWNER TO {AppRole};
            ALTER TABLE orders OWNER TO {AppRole};
            """,
            AppDatabase);
        var policyDirectory = Directory.CreateDirectory(Path.Combine(_directory, "policies")).FullName;
        await File.WriteAllTextAsync(Path.Combine(policyDirectory, "users-reader.yaml"), UsersReaderPolicy);
        await File.WriteAllTextAsync(Path.Combine(policyDirectory, "orders-writer.json"), OrdersWriterPolicy);
        await File.WriteAllTextAsync(Path.Combine(policyDirectory, "two-sessions.yaml"), TwoSessionsPolicy);

        var jwksFile = Path.Combine(_directory, "jwks.json");
        Idp.WriteJwks(jwksFile);
        var options = new ProxyOptions
        {
            Jwt = new ProxyCluster.Node.Jwt.JwtOptions { Issuer = TestIdentityProvider.Issuer, Audiences = { TestIdentityProvider.Audience }, JwksFile = jwksFile },
            NodeId = "it-node",
            NodeOrdinal = 1,
            AuthTimeoutSeconds = AuthTimeoutSeconds,
            // Many tests are refused on purpose from this one address; slowed refusals would pile up past the
            // authentication timeout in whatever order the tests run. The throttle has its own node and tests.
            AuthFailureThrottle = new AuthFailureThrottleOptions { FreeAttempts = 1_000_000 },
            PolicyDirectory = policyDirectory,
            Listeners =
            {
                new ListenerOptions { Address = "127.0.0.1", Port = 0, InsecureCleartextForLocalDevelopment = true },
                new ListenerOptions { Address = "127.0.0.1", Port = 0 },
            },
            Admin = new AdminOptions { Address = "127.0.0.1", Port = 0 },
            Audit = new AuditOptions { File = Path.Combine(_directory, "audit.jsonl") },
            Routes =
            {
                Route(AppDatabase, AppDatabase, Postgres.Port, passwordFile),
                Route("missingdb", "no_such_database", Postgres.Port, passwordFile),
                Route("unreachable", AppDatabase, ClosedPort(), passwordFile),
                Route(ValuesAuditedDatabase, AppDatabase, Postgres.Port, passwordFile, auditParameterValues: true),
            },
        };
        Node = ProxyNode.Create(options, logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(Logs);
            logging.SetMinimumLevel(LogLevel.Debug);
        });
        await Node.StartAsync();
        DefaultToken = AddToken("integration-tests");
    }

    public TestToken AddToken(string principal, IReadOnlyList<string>? routes = null, DateTimeOffset? expiresAt = null, string policy = "unrestricted")
    {
        var token = TestToken.Mint(principal, routes, expiresAt, policy);
        Node.Tokens.Upsert(token.Record);
        return token;
    }

    public string ConnectionString(TestToken? token = null, string database = AppDatabase, int? port = null) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port ?? Port,
            Database = database,
            Username = (token ?? DefaultToken).User,
            Password = (token ?? DefaultToken).Token,
            Pooling = false,
            SslMode = SslMode.Disable,
            Timeout = 15,
            CommandTimeout = 60,
        }.ConnectionString;

    public async Task<NpgsqlConnection> OpenAsync(TestToken? token = null, string database = AppDatabase)
    {
        var connection = new NpgsqlConnection(ConnectionString(token, database));
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>A superuser connection straight to PostgreSQL, for checking what really happened upstream.</summary>
    public async Task<NpgsqlConnection> OpenDirectAsync(string database = AppDatabase)
    {
        var connection = new NpgsqlConnection(Postgres.ConnectionString(database));
        await connection.OpenAsync();
        return connection;
    }

    public async Task DisposeAsync()
    {
        if (Node is not null)
        {
            await Node.StopAsync();
            await Node.DisposeAsync();
        }

        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }

        Idp.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static RouteOptions Route(string name, string database, int port, string passwordFile, bool auditParameterValues = false) =>
        new()
        {
            Name = name, Host = "127.0.0.1", Port = port, Database = database, User = AppRole, PasswordFile = passwordFile, ConnectTimeoutSeconds = 5,
            AuditParameterValues = auditParameterValues,
        };

    /// <summary>A loopback port that was free a moment ago and that nothing listens on.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class ProxyCollection : ICollectionFixture<ProxyFixture>
{
    public const string Name = "proxy";
}
