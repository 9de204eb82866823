using Microsoft.Extensions.Logging;
using ProxyCluster.Node.Configuration;
using ProxyCluster.Node.Hosting;

const string Usage = """
    proxycluster-node — a ProxyCluster node: a token-authenticating, policy-enforcing PostgreSQL proxy.

    Usage:
      proxycluster-node --config FILE.json

    Options:
      --config FILE   JSON configuration with a "Proxy" section:
                        NodeId, NodeOrdinal (0-127, unique per node)
                        Listeners [{Address, Port, Tls (require | prefer | disable; default require
                          off loopback), InsecureCleartextForLocalDevelopment (loopback only)}]
                        Tls {CertificateFile, KeyFile (PEM, reloaded when replaced), ClientCaFile,
                          ClientCertificates [{Match ("cn:…", "dns:…", "uri:…", "email:…"), TokenId}]}
                        Admin {Address, Port: /health, /ready, /metrics and the /v1 API (ADMIN-API.md);
                          TokenFile | TokenEnv: the admin token proxyctl presents, required off loopback;
                          AdvertisedUrl: how other nodes reach it (default http://Address:Port)}
                        ControlStore {Host, Port, Database, User, PasswordFile | PasswordEnv, Schema (proxycluster),
                          Tls (verify-full | require | disable), TlsCaFile, HeartbeatIntervalMilliseconds (1000),
                          PollIntervalMilliseconds (1000)}: the PostgreSQL holding the token journal and
                          membership, shared by every node of a cluster (see src/ProxyCluster.Control/CONTROL.md)
                        TokenFile (instead of ControlStore, one node: JSON lines from `proxyctl token mint`,
                          re-read when it changes)
                        Jwt {Issuer, Audiences [...], JwksFile | JwksUrl (re-read / refetched; keys by kid),
                          JwksRefreshSeconds (300), PrincipalClaim (sub), PolicyClaim (policy), RoutesClaim (routes),
                          DefaultPolicy (null: the claim is required), ClockSkewSeconds (30), Algorithms (RS256, ES256)}:
                          JWTs accepted as the password over TLS (or on a development listener)
                        Audit {File (JSON lines; "-" for stdout), ControlStore (true: also the control store's
                          audit_records table), SpillDirectory, QueueCapacity (65536)}
                        Otlp {Endpoint (collector base URL; none: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set),
                          Protocol (http/protobuf | grpc), ExportIntervalSeconds (15), Headers ("k=v,k2=v2",
                          never logged)}: the /metrics metrics also pushed over OTLP
                        PolicyDirectory (YAML/JSON policy documents; see src/ProxyCluster.Policy/POLICY.md)
                        AuthTimeoutSeconds, MaxConnections
                        DrainTimeoutSeconds (20): on SIGTERM each session ends at its next idle point
                          (outside a transaction); what is left after this is cut; 0 cuts at once
                        AuthFailureThrottle {FreeAttempts (5), BaseDelayMilliseconds (100),
                          MaxDelayMilliseconds (5000), ForgetAfterSeconds (600), MaxTrackedAddresses}
                        Routes [{Name ("*" = any database), Host, Port, Database (null = as requested),
                          User, PasswordFile | PasswordEnv, SearchPath (default "public"),
                          Tls (verify-full | require | disable), TlsCaFile, AuditParameterValues (false: bound
                          values are never audited; true: each execution's values, up to 256 bytes each)}]
                      Any setting can be overridden by an environment variable PROXYCLUSTER_Proxy__<Name>
                      (e.g. PROXYCLUSTER_Proxy__NodeOrdinal=2).
      -h, --help      Show this help.

    cluster-config/up.sh writes a working example to cluster-config/.run/node-1.json.
    """;

SocketTuning.Apply();

string? configPath = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "-h" or "--help":
            Console.WriteLine(Usage);
            return 0;
        case "--config" when i + 1 < args.Length:
            configPath = args[++i];
            break;
        default:
            Console.Error.WriteLine($"unknown argument \"{args[i]}\"\n\n{Usage}");
            return 2;
    }
}

if (configPath is null)
{
    Console.Error.WriteLine($"--config is required\n\n{Usage}");
    return 2;
}

ProxyOptions options;
try
{
    options = ProxyConfigurationLoader.Load(configPath, Environment.GetEnvironmentVariables());
}
catch (Exception exception) when (exception is IOException or InvalidDataException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"cannot load configuration: {exception.Message}");
    return 2;
}

try
{
    await using var node = ProxyNode.Create(options, logging => logging.AddSimpleConsole(console =>
    {
        console.SingleLine = true;
        console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        console.UseUtcTimestamp = true;
    }));
    await node.StartAsync().ConfigureAwait(false);
    await node.WaitForShutdownAsync().ConfigureAwait(false);
    return 0;
}
catch (InvalidOperationException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}
catch (IOException exception)
{
    // Kestrel reports a port in use this way.
    Console.Error.WriteLine($"cannot start: {exception.Message}");
    return 1;
}
