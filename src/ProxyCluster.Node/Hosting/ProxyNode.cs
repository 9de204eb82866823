using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProxyCluster.Node.Admin;
using ProxyCluster.Node.Configuration;
using ProxyCluster.Node.Listeners;
using ProxyCluster.Node.Policy;
using ProxyCluster.Policy;
using ProxyCluster.Sessions.Policy;
using ProxyCluster.Sql;
using ProxyCluster.Node.Tokens;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Sessions;
using ProxyCluster.Sessions.Auth;
using ProxyCluster.Sessions.Cancel;
using ProxyCluster.Sessions.Lifecycle;
using ProxyCluster.Sessions.Routing;
using ProxyCluster.Sessions.Tls;
using ProxyCluster.Sessions.Upstream;
using ProxyCluster.Tokens;

namespace ProxyCluster.Node.Hosting;

/// <summary>
/// One proxy node: Kestrel listeners for the Postgres protocol and the admin API, wired to the session machinery.
/// The executable runs one; integration tests run several in one process, on port 0.
/// </summary>
public sealed class ProxyNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<ListenOptions> _postgresListeners;
    private readonly ListenOptions? _adminListener;

    private ProxyNode(WebApplication app, List<ListenOptions> postgresListeners, ListenOptions? adminListener)
    {
        _app = app;
        _postgresListeners = postgresListeners;
        _adminListener = adminListener;
    }

    public IServiceProvider Services => _app.Services;

    public TokenRegistry Tokens => _app.Services.GetRequiredService<TokenRegistry>();

    public SessionRegistry Sessions => _app.Services.GetRequiredService<SessionRegistry>();

    /// <summary>Bound addresses of the Postgres listeners, with real ports once started.</summary>
    public IReadOnlyList<IPEndPoint> PostgresEndPoints => [.. _postgresListeners.Select(l => l.IPEndPoint!)];

    public IPEndPoint? AdminEndPoint => _adminListener?.IPEndPoint;

    public static ProxyNode Create(ProxyOptions options, Action<ILoggingBuilder>? configureLogging = null)
    {
        var problems = ProxyOptionsValidator.Validate(options);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("invalid configuration:\n  " + string.Join("\n  ", problems));
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        configureLogging?.Invoke(builder.Logging);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(10));
        AddNodeServices(builder.Services, options);

        // A proxy does almost no work per read; running continuations inline on the socket thread instead of
        // hopping to the thread pool is what keeps its added latency and CPU per transaction low.
        builder.WebHost.UseSockets(sockets =>
        {
            sockets.UnsafePreferInlineScheduling = true;
            // Query and Parse are read whole to be checked; the socket must be allowed to buffer the largest one.
            sockets.MaxReadBufferSize = 4 * SessionLimits.DefaultMaxInspectedMessageLength;
        });

        var postgresListeners = new List<ListenOptions>();
        ListenOptions? adminListener = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var services = kestrel.ApplicationServices;
            foreach (var listener in options.Listeners)
            {
                kestrel.Listen(IPAddress.Parse(listener.Address), listener.Port, listen =>
                {
                    var tls = PostgresListener.TlsPolicyFor(
                        listener, services.GetService<ServerCertificateStore>(), services.GetService<ClientCertificatePolicy>(), TimeSpan.FromSeconds(options.AuthTimeoutSeconds));
                    var handler = new PostgresListener(services.GetRequiredService<SessionServices>(), listener, services.GetRequiredService<ConnectionLimit>(), tls);
                    listen.Run(handler.OnConnectedAsync);
                    postgresListeners.Add(listen);
                });
            }

            if (options.Admin is { } admin)
            {
                kestrel.Listen(IPAddress.Parse(admin.Address), admin.Port, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    adminListener = listen;
                });
            }
        });

        var app = builder.Build();
        AdminEndpoints.Map(app, options);
        app.Services.GetService<TokenFileWatcher>()?.LoadInitial();
        _ = app.Services.GetService<ServerCertificateStore>(); // loads the certificate now: a bad one stops the node here
        _ = app.Services.GetService<ClientCertificatePolicy>();
        _ = app.Services.GetRequiredService<SessionServices>(); // fail at start, not at the first client, if libpg_query or a policy is missing
        var sessions = app.Services.GetRequiredService<SessionRegistry>();
        app.Lifetime.ApplicationStopping.Register(() => TerminateAll(sessions));
        return new ProxyNode(app, postgresListeners, adminListener);
    }

    public Task StartAsync(CancellationToken cancellationToken = default) => _app.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static void AddNodeServices(IServiceCollection services, ProxyOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<TokenRegistry>();
        services.AddSingleton<ITokenLookup>(sp => sp.GetRequiredService<TokenRegistry>());
        services.AddSingleton<SessionRegistry>();
        services.AddSingleton(new CancelKeyRegistry(options.NodeOrdinal));
        services.AddSingleton(new ConnectionLimit(options.MaxConnections));
        services.AddSingleton<IRouteTable>(new RouteTable(options.Routes.Select(ToRoute)));
        services.AddSingleton<IUpstreamConnector, TcpUpstreamConnector>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new SessionLimits { AuthenticationTimeout = TimeSpan.FromSeconds(options.AuthTimeoutSeconds) });
        services.AddSingleton(options.PolicyDirectory is { } policies ? PolicyCatalog.LoadDirectory(policies) : PolicyCatalog.BuiltIn);
        services.AddSingleton(_ => new SqlAnalyzer());
        services.AddSingleton<IStatementPolicy>(sp => new SqlStatementPolicy(sp.GetRequiredService<PolicyCatalog>(), sp.GetRequiredService<SqlAnalyzer>()));
        services.AddSingleton(sp => new SessionServices(
            sp.GetRequiredService<ITokenLookup>(),
            sp.GetRequiredService<IRouteTable>(),
            sp.GetRequiredService<IUpstreamConnector>(),
            sp.GetRequiredService<CancelKeyRegistry>(),
            sp.GetRequiredService<SessionRegistry>(),
            sp.GetRequiredService<SessionLimits>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("ProxyCluster.Sessions"))
        {
            Policy = sp.GetRequiredService<IStatementPolicy>(),
            AuthenticationThrottle = new FailedAuthenticationThrottle(options.AuthFailureThrottle.ToSettings(), sp.GetRequiredService<TimeProvider>()),
        });
        if (options.Tls is { CertificateFile: { Length: > 0 } certificateFile, KeyFile: { Length: > 0 } keyFile })
        {
            services.AddSingleton(sp => LoadServerCertificate(certificateFile, keyFile, sp.GetRequiredService<ILogger<ServerCertificateStore>>()));
            if (options.Tls.ClientCaFile is { } clientCaFile)
            {
                services.AddSingleton(_ => LoadClientCertificatePolicy(clientCaFile, options.Tls.ClientCertificates));
            }
        }

        if (options.TokenFile is { } tokenFile)
        {
            services.AddSingleton(sp => new TokenFileWatcher(
                tokenFile,
                sp.GetRequiredService<TokenRegistry>(),
                sp.GetRequiredService<SessionRegistry>(),
                sp.GetRequiredService<ILogger<TokenFileWatcher>>()));
            services.AddHostedService(sp => sp.GetRequiredService<TokenFileWatcher>());
        }
    }

    private static RouteConfig ToRoute(Configuration.RouteOptions route) =>
        new(route.Name, route.Host, route.Port, route.Database, route.User, new FileOrEnvironmentPassword(route.PasswordFile, route.PasswordEnv))
        {
            ConnectTimeout = TimeSpan.FromSeconds(route.ConnectTimeoutSeconds),
            SearchPath = route.SearchPath.Length == 0 ? null : route.SearchPath,
            Tls = new UpstreamTlsSettings(TlsModes.ForRoute(route) ?? UpstreamTlsMode.VerifyFull, route.TlsCaFile),
        };

    private static ServerCertificateStore LoadServerCertificate(string certificateFile, string keyFile, ILogger logger)
    {
        try
        {
            return new ServerCertificateStore(certificateFile, keyFile, logger);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidOperationException($"cannot load the TLS certificate {certificateFile} with key {keyFile}: {exception.Message}", exception);
        }
    }

    private static ClientCertificatePolicy LoadClientCertificatePolicy(string caFile, IEnumerable<ClientCertificateOptions> mappings)
    {
        var rules = new List<ClientCertificateRule>();
        foreach (var mapping in mappings)
        {
            rules.Add(ClientCertificateRule.TryParse(mapping.Match, mapping.TokenId, out var rule)
                ? rule
                : throw new InvalidOperationException($"invalid client certificate mapping \"{mapping.Match}\""));
        }

        try
        {
            return ClientCertificatePolicy.Load(caFile, rules);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidOperationException($"cannot load the client CA file {caFile}: {exception.Message}", exception);
        }
    }

    /// <summary>What PostgreSQL does on a fast shutdown: every session gets 57P01 and is closed.</summary>
    private static void TerminateAll(SessionRegistry sessions)
    {
        var error = PostgresError.Fatal(SqlState.AdminShutdown, "terminating connection due to administrator command");
        foreach (var session in sessions.Snapshot())
        {
            session.Post(new TerminateSession(error, "node shutting down"));
        }
    }
}
