using Microsoft.Extensions.Logging;
using Npgsql;
using ProxyCluster.IntegrationTests.Fixtures;
using ProxyCluster.Node.Configuration;
using ProxyCluster.Node.Hosting;

namespace ProxyCluster.IntegrationTests.Tls;

/// <summary>
/// TLS on both hops: a PostgreSQL with <c>ssl = on</c> and a certificate from <see cref="DatabaseCa"/> (for
/// <c>localhost</c> only, so an IP address fails hostname verification), and one proxy node whose certificate comes
/// from <see cref="ProxyCa"/> (for <c>localhost</c> and 127.0.0.1), read from PEM files the tests may rotate.
/// Listeners: <see cref="PreferPort"/> (TLS <c>prefer</c>, SCRAM only in the clear) and <see cref="RequirePort"/>.
/// Routes (database names): <c>app</c> verify-full to localhost, <c>app_plain</c> without TLS, <c>app_require</c>
/// with unverified TLS to 127.0.0.1, <c>app_wrong_ca</c> verify-full against the proxy's CA, <c>app_wrong_host</c>
/// verify-full to 127.0.0.1, which the database's certificate does not name. Client certificates from
/// <see cref="ClientCa"/> are requested in every handshake: CN <c>billing-api</c> logs in as
/// <see cref="CertificateToken"/>, URI <c>spiffe://tests/revoked</c> as <see cref="RevokedCertificateToken"/>.
/// </summary>
public sealed class TlsProxyFixture : IAsyncLifetime
{
    public const string AppDatabase = "app";
    public const string AppRole = "proxy_app";

    private string _directory = string.Empty;

    public TestCertificateAuthority ProxyCa { get; } = TestCertificateAuthority.Create("ProxyCluster test proxy CA");

    public TestCertificateAuthority DatabaseCa { get; } = TestCertificateAuthority.Create("ProxyCluster test database CA");

    public TestCertificateAuthority ClientCa { get; } = TestCertificateAuthority.Create("ProxyCluster test client CA");

    /// <summary>The token a client certificate with CN billing-api logs in as (principal billing-api).</summary>
    public TestToken CertificateToken { get; } = TestToken.Mint("billing-api");

    /// <summary>Mapped from URI spiffe://tests/revoked; tests may remove it from the registry.</summary>
    public TestToken RevokedCertificateToken { get; } = TestToken.Mint("revoked-service");

    public string Directory => _directory;

    public PostgresServer Postgres { get; private set; } = null!;

    public ProxyNode Node { get; private set; } = null!;

    public CollectingLoggerProvider Logs { get; } = new();

    /// <summary>PEM of <see cref="ProxyCa"/>, what clients give as <c>sslrootcert</c>.</summary>
    public string ProxyCaFile => Path.Combine(_directory, "proxy-ca.crt");

    /// <summary>PEM of <see cref="DatabaseCa"/>: trusted by the <c>app</c> route, never by clients of the proxy.</summary>
    public string DatabaseCaFile => Path.Combine(_directory, "database-ca.crt");

    public string ClientCaFile => Path.Combine(_directory, "client-ca.crt");

    public string CertificateFile => Path.Combine(_directory, "proxy.crt");

    public string KeyFile => Path.Combine(_directory, "proxy.key");

    public int PreferPort => Node.PostgresEndPoints[0].Port;

    public int RequirePort => Node.PostgresEndPoints[1].Port;

    public TestToken DefaultToken { get; private set; } = null!;

    /// <summary>The identity provider whose JWTs the node accepts over TLS.</summary>
    public TestIdentityProvider Idp { get; } = new();

    public async Task InitializeAsync()
    {
        _directory = System.IO.Directory.CreateTempSubdirectory("proxycluster-tls-").FullName;
        await File.WriteAllTextAsync(ProxyCaFile, ProxyCa.CertificatePem);
        await File.WriteAllTextAsync(ClientCaFile, ClientCa.CertificatePem);
        await File.WriteAllTextAsync(DatabaseCaFile, DatabaseCa.CertificatePem);
        ProxyCa.IssueForLoopback("proxycluster node").WriteTo(CertificateFile, KeyFile);

        var database = DatabaseCa.Issue("postgres", ["localhost"], []);
        Postgres = await PostgresServer.StartAsync(new PostgresServerTls(database.CertificatePem, database.KeyPem));
        var password = await Postgres.CreateRoleAsync(AppRole);
        await Postgres.CreateDatabaseAsync(AppDatabase, AppRole);
        var passwordFile = Path.Combine(_directory, "upstream.password");
        await File.WriteAllTextAsync(passwordFile, password + "\n");

        var jwksFile = Path.Combine(_directory, "jwks.json");
        Idp.WriteJwks(jwksFile);
        var options = new ProxyOptions
        {
            Jwt = new ProxyCluster.Node.Jwt.JwtOptions { Issuer = TestIdentityProvider.Issuer, Audiences = { TestIdentityProvider.Audience }, JwksFile = jwksFile },
            NodeId = "tls-node",
            NodeOrdinal = 2,
            AuthTimeoutSeconds = 5,
            AuthFailureThrottle = new AuthFailureThrottleOptions { FreeAttempts = 1_000_000 }, // see ProxyFixture
            Tls = new ServerTlsOptions
            {
                CertificateFile = CertificateFile,
                KeyFile = KeyFile,
                ClientCaFile = ClientCaFile,
                ClientCertificates =
                {
                    new ClientCertificateOptions { Match = "cn:billing-api", TokenId = CertificateToken.Id },
                    new ClientCertificateOptions { Match = "uri:spiffe://tests/revoked", TokenId = RevokedCertificateToken.Id },
                },
            },
            Listeners =
            {
                new ListenerOptions { Address = "127.0.0.1", Port = 0, Tls = "prefer" },
                new ListenerOptions { Address = "127.0.0.1", Port = 0, Tls = "require" },
            },
            Routes =
            {
                Route(AppDatabase, "localhost", "verify-full", DatabaseCaFile, passwordFile),
                Route("app_plain", "127.0.0.1", "disable", null, passwordFile),
                Route("app_require", "127.0.0.1", "require", null, passwordFile),
                Route("app_wrong_ca", "localhost", "verify-full", ProxyCaFile, passwordFile),
                Route("app_wrong_host", "127.0.0.1", "verify-full", DatabaseCaFile, passwordFile),
            },
        };
        Node = ProxyNode.Create(options, logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(Logs);
            logging.SetMinimumLevel(LogLevel.Debug);
        });
        await Node.StartAsync();
        DefaultToken = AddToken("tls-tests");
        Node.Tokens.Upsert(CertificateToken.Record);
        Node.Tokens.Upsert(RevokedCertificateToken.Record);
    }

    public TestToken AddToken(string principal)
    {
        var token = TestToken.Mint(principal);
        Node.Tokens.Upsert(token.Record);
        return token;
    }

    /// <summary>Npgsql through the proxy with the proxy's CA as its only root, verifying the host name.</summary>
    public NpgsqlConnectionStringBuilder ConnectionString(int port, string database = AppDatabase, TestToken? token = null) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        Database = database,
        Username = (token ?? DefaultToken).User,
        Password = (token ?? DefaultToken).Token,
        Pooling = false,
        SslMode = SslMode.VerifyFull,
        RootCertificate = ProxyCaFile,
        Timeout = 15,
        CommandTimeout = 30,
    };

    /// <summary>Runs psql with a libpq connection string (the token as PGPASSWORD); bounded.</summary>
    public Task<ClientProcess.Result> PsqlAsync(string connectionString, TestToken? token = null, params string[] arguments) =>
        PsqlWithPasswordAsync(connectionString, (token ?? DefaultToken).Token, arguments);

    /// <summary>Runs psql with any password (a JWT, say) as PGPASSWORD; bounded.</summary>
    public Task<ClientProcess.Result> PsqlWithPasswordAsync(string connectionString, string password, params string[] arguments) =>
        ClientProcess.RunAsync(
            Path.Combine(Postgres.BinDirectory, "psql"),
            [connectionString, "-X", "-v", "ON_ERROR_STOP=1", .. arguments],
            new Dictionary<string, string>
            {
                ["PGPASSWORD"] = password,
                ["PGCONNECT_TIMEOUT"] = "10",
                // No stray client certificate or root store from the machine running the tests.
                ["PGSSLCERT"] = "/nonexistent",
                ["PGSSLKEY"] = "/nonexistent",
            },
            TimeSpan.FromSeconds(60));

    /// <summary>Issues a new certificate from the same CA and writes it over the node's files; returns it.</summary>
    public IssuedCertificate RotateCertificate()
    {
        var issued = ProxyCa.IssueForLoopback("proxycluster node rotated");
        issued.WriteTo(CertificateFile, KeyFile);
        return issued;
    }

    /// <summary>Whether the upstream backend serving <paramref name="applicationName"/> runs over TLS, asked of the server itself.</summary>
    public async Task<bool?> UpstreamUsesTlsAsync(string applicationName)
    {
        await using var direct = new NpgsqlConnection(Postgres.ConnectionString(AppDatabase));
        await direct.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name = $1 AND a.pid <> pg_backend_pid()",
            direct);
        command.Parameters.AddWithValue(applicationName);
        return await command.ExecuteScalarAsync() as bool?;
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

        ProxyCa.Dispose();
        DatabaseCa.Dispose();
        ClientCa.Dispose();
        Idp.Dispose();
        System.IO.Directory.Delete(_directory, recursive: true);
    }

    private RouteOptions Route(string name, string host, string tls, string? caFile, string passwordFile) => new()
    {
        Name = name,
        Host = host,
        Port = Postgres.Port,
        Database = AppDatabase,
        User = AppRole,
        PasswordFile = passwordFile,
        ConnectTimeoutSeconds = 5,
        Tls = tls,
        TlsCaFile = caFile,
    };
}

[CollectionDefinition(Name)]
public sealed class TlsProxyCollection : ICollectionFixture<TlsProxyFixture>
{
    public const string Name = "tls-proxy";
}
