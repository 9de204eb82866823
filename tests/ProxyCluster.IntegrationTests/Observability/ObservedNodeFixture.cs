using Microsoft.Extensions.Logging;
using Npgsql;
using ProxyCluster.IntegrationTests.Fixtures;
using ProxyCluster.IntegrationTests.Tls;
using ProxyCluster.Node.Configuration;
using ProxyCluster.Node.Hosting;
using ProxyCluster.Node.Tests.Otlp;

namespace ProxyCluster.IntegrationTests.Observability;

/// <summary>
/// One node with every output an operator reads switched on: its logs (debug level), a JSON-lines audit file, the
/// control store's audit table, <c>/metrics</c>, and OTLP export (every second, with an API-key header) to an
/// OTLP receiver. Clients come in three ways: SCRAM on <see cref="PlainPort"/>, and the token as a
/// cleartext password or a JWT over TLS on <see cref="TlsPort"/> (<c>require</c>, certificate from
/// <see cref="Ca"/>). The control store is a server of its own (<see cref="ControlServer"/>), so a test can stop it
/// while sessions go on.
/// </summary>
public sealed class ObservedNodeFixture : IAsyncLifetime
{
    public const string AppDatabase = "app";
    public const string ControlSchema = "proxycluster";
    private const string AppRole = "proxy_app";
    private const string ControlDatabase = "proxycluster";
    private const string ControlRole = "proxycluster_control";

    private string _directory = string.Empty;

    public PostgresServer Postgres { get; private set; } = null!;

    public PostgresServer ControlServer { get; private set; } = null!;

    public ProxyNode Node { get; private set; } = null!;

    internal OtlpReceiver Otlp { get; private set; } = null!;

    public CollectingLoggerProvider Logs { get; } = new();

    public TestIdentityProvider Idp { get; } = new();

    public TestCertificateAuthority Ca { get; } = TestCertificateAuthority.Create("ProxyCluster observed node CA");

    /// <summary>Every secret the node was given: none of them may appear in anything it writes.</summary>
    public List<string> ConfiguredSecrets { get; } = [];

    /// <summary>The header value the exporter must send and nothing may log.</summary>
    public string OtlpApiKey { get; } = $"otlp-key-{Guid.NewGuid():N}";

    public string AdminToken { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    public string AuditFile => Path.Combine(_directory, "audit.jsonl");

    public string CaFile => Path.Combine(_directory, "ca.crt");

    public int PlainPort => Node.PostgresEndPoints[0].Port;

    public int TlsPort => Node.PostgresEndPoints[1].Port;

    public string AdminUrl => $"http://127.0.0.1:{Node.AdminEndPoint!.Port}";

    public async Task InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("proxycluster-observed-").FullName;
        Postgres = await PostgresServer.StartAsync();
        var upstreamPassword = await Postgres.CreateRoleAsync(AppRole);
        await Postgres.CreateDatabaseAsync(AppDatabase, AppRole);
        await Postgres.ExecuteAsync($"CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL); INSERT INTO users VALUES (1, 'ada'), (2, 'grace'); ALTER TABLE users OWNER TO {AppRole};", AppDatabase);
        ControlServer = await PostgresServer.StartAsync();
        var controlPassword = await ControlServer.CreateRoleAsync(ControlRole);
        await ControlServer.CreateDatabaseAsync(ControlDatabase, ControlRole);
        ConfiguredSecrets.AddRange([upstreamPassword, controlPassword, AdminToken, OtlpApiKey]);

        var upstreamPasswordFile = Path.Combine(_directory, "upstream.password");
        var controlPasswordFile = Path.Combine(_directory, "control.password");
        var adminTokenFile = Path.Combine(_directory, "admin.token");
        var jwksFile = Path.Combine(_directory, "jwks.json");
        var certificateFile = Path.Combine(_directory, "node.crt");
        var keyFile = Path.Combine(_directory, "node.key");
        await File.WriteAllTextAsync(upstreamPasswordFile, upstreamPassword + "\n");
        await File.WriteAllTextAsync(controlPasswordFile, controlPassword + "\n");
        await File.WriteAllTextAsync(adminTokenFile, AdminToken + "\n");
        await File.WriteAllTextAsync(CaFile, Ca.CertificatePem);
        Ca.IssueForLoopback("observed node").WriteTo(certificateFile, keyFile);
        Idp.WriteJwks(jwksFile);
        Otlp = await OtlpReceiver.StartAsync();

        var options = new ProxyOptions
        {
            NodeId = "observed-node",
            NodeOrdinal = 5,
            AuthTimeoutSeconds = 5,
            AuthFailureThrottle = new AuthFailureThrottleOptions { FreeAttempts = 1_000_000 }, // see ProxyFixture
            Tls = new ServerTlsOptions { CertificateFile = certificateFile, KeyFile = keyFile },
            Jwt = new ProxyCluster.Node.Jwt.JwtOptions { Issuer = TestIdentityProvider.Issuer, Audiences = { TestIdentityProvider.Audience }, JwksFile = jwksFile },
            Listeners =
            {
                new ListenerOptions { Address = "127.0.0.1", Port = 0, Tls = "prefer" },
                new ListenerOptions { Address = "127.0.0.1", Port = 0, Tls = "require" },
            },
            Admin = new AdminOptions { Address = "127.0.0.1", Port = 0, TokenFile = adminTokenFile },
            Audit = new AuditOptions { File = AuditFile, SpillDirectory = Path.Combine(_directory, "audit-spill") },
            Otlp = new OtlpOptions { Endpoint = Otlp.Url.ToString(), ExportIntervalSeconds = 1, Headers = $"x-api-key={OtlpApiKey}" },
            ControlStore = new ControlStoreOptions
            {
                Host = "127.0.0.1",
                Port = ControlServer.Port,
                Database = ControlDatabase,
                User = ControlRole,
                PasswordFile = controlPasswordFile,
                HeartbeatIntervalMilliseconds = 200,
                PollIntervalMilliseconds = 500,
            },
            Routes =
            {
                new RouteOptions
                {
                    Name = AppDatabase, Host = "127.0.0.1", Port = Postgres.Port, Database = AppDatabase, User = AppRole,
                    PasswordFile = upstreamPasswordFile, ConnectTimeoutSeconds = 5,
                },
            },
        };
        Node = ProxyNode.Create(options, logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(Logs);
            logging.SetMinimumLevel(LogLevel.Debug);
        });
        await Node.StartAsync();
    }

    public AdminHttp Admin() => new(AdminUrl, AdminToken);

    /// <summary>Npgsql on the plain listener: the node offers SCRAM to a token's user name.</summary>
    public NpgsqlConnectionStringBuilder Plain(string user, string password) => Builder(PlainPort, user, password, SslMode.Disable);

    /// <summary>Npgsql over TLS, verifying the node's certificate and name.</summary>
    public NpgsqlConnectionStringBuilder OverTls(string user, string password) => Builder(TlsPort, user, password, SslMode.VerifyFull);

    /// <summary>
    /// Opens a connection, retrying while the token is refused: a token created through the admin API is usable once
    /// the node has applied its journal event, milliseconds later.
    /// </summary>
    public static async Task<NpgsqlConnection> OpenAsync(NpgsqlConnectionStringBuilder builder)
    {
        NpgsqlConnection? opened = null;
        await Eventually.TrueAsync(
            async () =>
            {
                var connection = new NpgsqlConnection(builder.ConnectionString);
                try
                {
                    await connection.OpenAsync();
                    opened = connection;
                    return true;
                }
                catch (PostgresException e) when (e.SqlState == "28P01")
                {
                    await connection.DisposeAsync();
                    return false;
                }
            },
            $"{builder.Username} can log in");
        return opened!;
    }

    public static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>A counter or gauge from <c>/metrics</c>; 0 when absent.</summary>
    public Task<double> MetricAsync(string name) => MetricsScrape.ValueAsync(AdminUrl, name);

    /// <summary>Every row of the audit table as PostgreSQL prints it.</summary>
    public Task<string> AuditTableTextAsync() =>
        ControlScalarAsync<string>($"SELECT coalesce(string_agg(r::text, E'\\n' ORDER BY id), '') FROM {ControlSchema}.audit_records r");

    /// <summary>One value from the control store, asked as its superuser.</summary>
    public async Task<T> ControlScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ControlServer.ConnectionString(ControlDatabase));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        if (Node is not null)
        {
            await Node.StopAsync();
            await Node.DisposeAsync();
        }

        if (Otlp is not null)
        {
            await Otlp.DisposeAsync();
        }

        if (ControlServer is not null)
        {
            await ControlServer.DisposeAsync();
        }

        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }

        Idp.Dispose();
        Ca.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private NpgsqlConnectionStringBuilder Builder(int port, string user, string password, SslMode mode) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        Database = AppDatabase,
        Username = user,
        Password = password,
        Pooling = false,
        SslMode = mode,
        RootCertificate = mode == SslMode.Disable ? null : CaFile,
        Timeout = 15,
        CommandTimeout = 30,
    };
}
