using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProxyCluster.Control.Journal;
using ProxyCluster.Control.Membership;
using ProxyCluster.Node.Admin;
using ProxyCluster.Node.Cluster;
using ProxyCluster.Node.Configuration;
using ProxyCluster.Node.Listeners;
using ProxyCluster.Node.Observability;
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
using ProxyCluster.Sessions.Metrics;
using ProxyCluster.Sessions.Routing;
using ProxyCluster.Sessions.Tls;
using ProxyCluster.Sessions.Upstream;
using ProxyCluster.Tokens;
using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Node.Hosting;

/// <summary>
/// One proxy node: Kestrel listeners for the Postgres protocol and the admin API, wired to the session machinery.
/// The executable runs one; integration tests run several in one process, on port 0.
/// </summary>
public sealed class ProxyNode : IAsyncDisposable
{
    /// <summary>How long a starting node waits for its control store before it gives up.</summary>
    private static readonly TimeSpan ControlStoreStartTimeout = TimeSpan.FromSeconds(30);

    private readonly WebApplication _app;
    private readonly ProxyOptions _options;
    private readonly List<ListenOptions> _postgresListeners;
    private readonly ListenOptions? _adminListener;
    private readonly OtlpMetricsExport? _otlp;
    private NodeMembership? _membership;

    private ProxyNode(WebApplication app, ProxyOptions options, List<ListenOptions> postgresListeners, ListenOptions? adminListener, OtlpMetricsExport? otlp)
    {
        _app = app;
        _options = options;
        _postgresListeners = postgresListeners;
        _adminListener = adminListener;
        _otlp = otlp;
    }

    public IServiceProvider Services => _app.Services;

    public TokenRegistry Tokens => _app.Services.GetRequiredService<TokenRegistry>();

    public SessionRegistry Sessions => _app.Services.GetRequiredService<SessionRegistry>();

    /// <summary>Bound addresses of the Postgres listeners, with real ports once started.</summary>
    public IReadOnlyList<IPEndPoint> PostgresEndPoints => [.. _postgresListeners.Select(l => l.IPEndPoint!)];

    public IPEndPoint? AdminEndPoint => _adminListener?.IPEndPoint;

    /// <summary>This node as other nodes and operators see it (addresses with their bound ports once started).</summary>
    public NodeRegistration Registration => new(
        _options.NodeId,
        _options.NodeOrdinal,
        [.. PostgresEndPoints.Select(e => e.ToString())],
        _options.Admin?.AdvertisedUrl ?? (AdminEndPoint is { } admin ? $"http://{admin}" : null),
        typeof(ProxyNode).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    public static ProxyNode Create(ProxyOptions options, Action<ILoggingBuilder>? configureLogging = null)
    {
        var problems = ProxyOptionsValidator.Validate(options);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("invalid configuration:\n  " + string.Join("\n  ", problems));
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        configureLogging?.Invoke(builder.Logging);
        // Kestrel waits this long for connections to end: the drain, then the goodbyes of what it cut.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(options.DrainTimeoutSeconds + 10));
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
        app.Lifetime.ApplicationStopping.Register(() => Drain(sessions, TimeSpan.FromSeconds(options.DrainTimeoutSeconds)));
        NodeMetrics.Register(
            app.Services.GetRequiredService<MetricsRegistry>(),
            app.Services.GetRequiredService<ConnectionLimit>(),
            app.Services.GetRequiredService<TokenRegistry>(),
            app.Services.GetRequiredService<IClusterView>(),
            app.Services.GetRequiredService<NodeAudit>().Pipeline);
        var otlp = OtlpMetricsExport.Build(
            options.Otlp, options.NodeId, app.Services.GetRequiredService<MetricsRegistry>(), app.Services.GetRequiredService<ILogger<OtlpMetricsExport>>());
        if (otlp is not null)
        {
            // The last export when the node stops, after its sessions are cut, rather than whenever it is disposed.
            app.Lifetime.ApplicationStopped.Register(otlp.Dispose);
        }

        if (app.Services.GetService<ControlPlane>() is { } control)
        {
            FollowTokens(control, sessions, app.Services.GetRequiredService<TokenExpiryWatcher>(), options.NodeId);
        }
        else
        {
            app.Services.GetRequiredService<NodeReadiness>().MarkReady(); // the token file is loaded above
        }

        var node = new ProxyNode(app, options, postgresListeners, adminListener, otlp);
        app.Services.GetRequiredService<ProxyNodeIdentity>().Bind(() => node.Registration);
        return node;
    }

    /// <summary>
    /// Starts the node. With a control store: migrate and load the whole journal first (so no client is refused
    /// for a token that exists), then listen, then join the membership and report ready.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var control = _app.Services.GetService<ControlPlane>();
        if (control is not null)
        {
            try
            {
                await control.LoadAsync(ControlStoreStartTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Control.ControlStoreUnavailableException exception)
            {
                throw new InvalidOperationException($"cannot start: {exception.Message}", exception);
            }
        }

        if (_app.Services.GetService<Jwt.JwtValidator>() is { } jwt)
        {
            await jwt.LoadKeysAsync(cancellationToken).ConfigureAwait(false); // no JWKS, no start: every JWT would be refused
        }

        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        if (control is not null)
        {
            var heartbeat = TimeSpan.FromMilliseconds(_options.ControlStore!.HeartbeatIntervalMilliseconds);
            _membership = new NodeMembership(
                control.Store,
                Registration,
                () => control.Replica.Position,
                new NodeMembershipOptions { HeartbeatInterval = heartbeat },
                _app.Services.GetRequiredService<ILogger<NodeMembership>>());
            control.Membership = _membership;
            await _membership.StartAsync(cancellationToken).ConfigureAwait(false);
            _app.Services.GetRequiredService<NodeReadiness>().MarkReady();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_membership is not null)
        {
            await _membership.StopAsync(cancellationToken).ConfigureAwait(false); // marks this node stopped
        }

        await _app.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _membership?.Dispose();
        _otlp?.Dispose(); // before the services its callbacks read are disposed (a no-op if the node has stopped)
        await _app.DisposeAsync().ConfigureAwait(false);
    }

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
        services.AddSingleton<MetricsRegistry>();
        services.AddSingleton(sp => new SessionMetrics(sp.GetRequiredService<MetricsRegistry>()));
        services.AddSingleton(sp => new NodeAudit(AuditTrail.Create(
            options,
            sp.GetService<ControlPlane>() is { } control ? new Control.Audit.ControlStoreAuditSink(control.Store) : null,
            sp.GetRequiredService<ILoggerFactory>())));
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
            Audit = sp.GetRequiredService<NodeAudit>().Pipeline,
            External = sp.GetService<JwtCredentials>(),
            Metrics = sp.GetRequiredService<SessionMetrics>(),
            PeerCancel = options.ControlStore is null ? null : new PeerCancelForwarder(sp.GetRequiredService<IClusterView>(), sp.GetRequiredService<PeerAdminClient>()),
            NodeId = options.NodeId,
        });
        if (options.Tls is { CertificateFile: { Length: > 0 } certificateFile, KeyFile: { Length: > 0 } keyFile })
        {
            services.AddSingleton(sp => LoadServerCertificate(certificateFile, keyFile, sp.GetRequiredService<ILogger<ServerCertificateStore>>()));
            if (options.Tls.ClientCaFile is { } clientCaFile)
            {
                services.AddSingleton(_ => LoadClientCertificatePolicy(clientCaFile, options.Tls.ClientCertificates));
            }
        }

        services.AddSingleton<NodeReadiness>();
        services.AddSingleton<ProxyNodeIdentity>();
        services.AddSingleton(sp => new TokenExpiryWatcher(
            sp.GetRequiredService<ITokenLookup>(),
            sp.GetRequiredService<SessionRegistry>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<TokenExpiryWatcher>>()));
        services.AddHostedService(sp => sp.GetRequiredService<TokenExpiryWatcher>());
        AddAdminServices(services, options);
        if (options.Jwt is { } jwt)
        {
            services.AddSingleton(sp => new Jwt.JwtValidator(jwt, sp.GetRequiredService<ILogger<Jwt.JwtValidator>>()));
            services.AddSingleton(sp => new JwtCredentials(sp.GetRequiredService<Jwt.JwtValidator>(), sp.GetService<TokenReplica>()));
        }

        AddControlPlane(services, options);

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

    private static void AddAdminServices(IServiceCollection services, ProxyOptions options)
    {
        if (options.Admin is { } admin && AdminCredential.Load(admin) is { } credential)
        {
            services.AddSingleton(credential);
        }

        services.AddSingleton(sp => new PeerAdminClient(sp.GetService<AdminCredential>(), TimeSpan.FromSeconds(3)));
    }

    private static void AddControlPlane(IServiceCollection services, ProxyOptions options)
    {
        if (options.ControlStore is not { } store)
        {
            services.AddSingleton<IClusterView>(sp => new SingleNodeView(() =>
            {
                var self = sp.GetRequiredService<ProxyNodeIdentity>().Registration();
                var now = DateTimeOffset.UtcNow;
                return new MemberView(self.NodeId, self.Ordinal, self.PostgresAddresses, self.AdminUrl, self.Version, now, now, 0, "up");
            }));
            return;
        }

        services.AddSingleton<TokenReplica>();
        services.AddSingleton(sp => new ControlPlane(
            ControlStoreDataSource.Create(store, options.NodeId),
            store.Schema,
            sp.GetRequiredService<TokenReplica>(),
            new JournalReplicationOptions { PollInterval = TimeSpan.FromMilliseconds(store.PollIntervalMilliseconds) },
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService(sp => sp.GetRequiredService<ControlPlane>().Replication);
        services.AddSingleton<IClusterView>(sp => new ControlStoreClusterView(
            sp.GetRequiredService<ControlPlane>(), TimeSpan.FromMilliseconds(store.HeartbeatIntervalMilliseconds)));
    }

    /// <summary>
    /// Live sessions follow their token: a revocation or expiry applied from the journal cuts them, and so does
    /// a change of policy or routes (a session's checks are fixed when it starts, so it must reconnect to get the
    /// new ones). An expiry this node notices by the clock is also recorded in the journal.
    /// </summary>
    private static void FollowTokens(ControlPlane control, SessionRegistry sessions, TokenExpiryWatcher expiry, string nodeId)
    {
        control.Replica.TokenEnded += state =>
        {
            var error = state.Status == TokenStatus.Expired ? TokenTerminations.Expired : TokenTerminations.Revoked;
            sessions.TerminateToken(state.Id, error, state.EndReason is { Length: > 0 } why ? $"token {state.Status.ToName()}: {why}" : $"token {state.Status.ToName()}");
        };
        control.Replication.EventApplied += e =>
        {
            // A revoked JWT was never in the registry, so no TokenEnded: cut its sessions here.
            if (e.Type == TokenEventType.Revoked && e.Payload.External is not null)
            {
                sessions.TerminateToken(e.TokenId, TokenTerminations.Revoked, $"{e.Payload.External} revoked");
            }

            if (e.Type == TokenEventType.PolicyChanged && (e.Payload.Policy is not null || e.Payload.Routes is not null))
            {
                sessions.TerminateToken(e.TokenId, TokenTerminations.ScopesChanged, "token policy or routes changed");
            }

            if (e.Type == TokenEventType.Rotated)
            {
                expiry.CutRetiredSecrets(e.TokenId); // without overlap the old secret is gone now; with one, the watcher cuts at its end
            }
        };
        control.Replication.Rebuilt += () =>
        {
            // After a rebuild the replica reported ended tokens already; scopes may have changed unseen, so be safe.
            foreach (var tokenId in sessions.TokensWithSessions())
            {
                if (!control.Replica.States.TryGetValue(tokenId, out var state) || state.Status != TokenStatus.Active)
                {
                    sessions.TerminateToken(tokenId, TokenTerminations.Revoked, "token no longer active after a journal rebuild");
                }
            }
        };
        expiry.Expired = (token, cancellationToken) => control.Journal.AppendAsync(
            new TokenAppend(token.Id, TokenEventType.Expired, $"node:{nodeId}", "expires_at passed", TokenEventPayload.Empty),
            cancellationToken);
    }

    private static RouteConfig ToRoute(Configuration.RouteOptions route) =>
        new(route.Name, route.Host, route.Port, route.Database, route.User, new FileOrEnvironmentPassword(route.PasswordFile, route.PasswordEnv))
        {
            ConnectTimeout = TimeSpan.FromSeconds(route.ConnectTimeoutSeconds),
            SearchPath = route.SearchPath.Length == 0 ? null : route.SearchPath,
            Tls = new UpstreamTlsSettings(TlsModes.ForRoute(route) ?? UpstreamTlsMode.VerifyFull, route.TlsCaFile),
            AuditParameterValues = route.AuditParameterValues,
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
    /// <summary>
    /// Stopping: the listeners close, every session ends at its next idle point (outside a transaction, nothing in
    /// flight), and what is still open after <paramref name="timeout"/> is cut. Kestrel waits for the sessions.
    /// </summary>
    private static void Drain(SessionRegistry sessions, TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            TerminateAll(sessions);
            return;
        }

        var error = PostgresError.Fatal(SqlState.AdminShutdown, "terminating connection because the proxy node is shutting down");
        foreach (var session in sessions.Snapshot())
        {
            session.Post(new DrainSession(error, "node draining"));
        }

        _ = Task.Delay(timeout).ContinueWith(_ => TerminateAll(sessions), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private static void TerminateAll(SessionRegistry sessions)
    {
        var error = PostgresError.Fatal(SqlState.AdminShutdown, "terminating connection due to administrator command");
        foreach (var session in sessions.Snapshot())
        {
            session.Post(new TerminateSession(error, "node shutting down"));
        }
    }
}
