using System.Net;
using ProxyCluster.Sessions.Tls;
using ProxyCluster.Sessions.Upstream;

namespace ProxyCluster.Node.Configuration;

/// <summary>Refuses configurations that would be unsafe or cannot work, with a message that says what to change.</summary>
public static class ProxyOptionsValidator
{
    public static IReadOnlyList<string> Validate(ProxyOptions options)
    {
        var problems = new List<string>();
        if (options.Listeners.Count == 0)
        {
            problems.Add("Proxy:Listeners is empty: configure at least one listener");
        }

        var haveCertificate = ValidateServerTls(options.Tls, problems);
        foreach (var listener in options.Listeners)
        {
            if (!IPAddress.TryParse(listener.Address, out var address))
            {
                problems.Add($"listener address \"{listener.Address}\" is not an IP address");
                continue;
            }

            if (listener.InsecureCleartextForLocalDevelopment && !IPAddress.IsLoopback(address))
            {
                problems.Add($"listener {listener.Address}:{listener.Port} is not loopback: InsecureCleartextForLocalDevelopment is only allowed on loopback");
            }

            switch (TlsModes.ForListener(listener, haveCertificate))
            {
                case null:
                    problems.Add($"listener {listener.Address}:{listener.Port} has Tls \"{listener.Tls}\": use {TlsModes.ListenerModes}");
                    break;
                case ClientTlsMode.Disable when !IPAddress.IsLoopback(address):
                    problems.Add($"listener {listener.Address}:{listener.Port} is not loopback: Tls \"disable\" is only allowed on loopback");
                    break;
                case ClientTlsMode.Require or ClientTlsMode.Prefer when !haveCertificate:
                    problems.Add($"listener {listener.Address}:{listener.Port} uses TLS but Proxy:Tls names no CertificateFile and KeyFile");
                    break;
            }
        }

        if (options.Admin is { } admin)
        {
            ValidateAdmin(admin, problems);
        }

        if (options.ControlStore is { } store)
        {
            ValidateControlStore(store, options.TokenFile, problems);
        }

        if (options.NodeOrdinal is < 0 or > Sessions.Cancel.CancelKeyRegistry.MaxNodeOrdinal)
        {
            problems.Add($"NodeOrdinal must be between 0 and {Sessions.Cancel.CancelKeyRegistry.MaxNodeOrdinal}");
        }

        if (options.Routes.Count == 0)
        {
            problems.Add("Proxy:Routes is empty: configure at least one route");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in options.Routes)
        {
            if (!names.Add(route.Name))
            {
                problems.Add($"route \"{route.Name}\" is configured twice");
            }

            if (string.IsNullOrEmpty(route.User))
            {
                problems.Add($"route \"{route.Name}\" has no User");
            }

            if (route.PasswordFile is not null && route.PasswordEnv is not null)
            {
                problems.Add($"route \"{route.Name}\" sets both PasswordFile and PasswordEnv; choose one");
            }

            ValidateRouteTls(route, problems);
        }

        if (options.DrainTimeoutSeconds is < 0 or > 3600)
        {
            problems.Add("DrainTimeoutSeconds must be between 0 and 3600");
        }

        if (options.AuthTimeoutSeconds <= 0 || options.MaxConnections <= 0)
        {
            problems.Add("AuthTimeoutSeconds and MaxConnections must be positive");
        }

        ValidateAuthFailureThrottle(options.AuthFailureThrottle, problems);
        if (options.Jwt is { } jwt)
        {
            problems.AddRange(ProxyCluster.Node.Jwt.JwtOptions.Validate(jwt));
        }

        if (options.Audit.QueueCapacity < 16)
        {
            problems.Add("Proxy:Audit:QueueCapacity must be at least 16");
        }

        problems.AddRange(OtlpOptions.Validate(options.Otlp));

        return problems;
    }

    /// <summary>True when a certificate is configured (whether or not its files are fine).</summary>
    private static bool ValidateServerTls(ServerTlsOptions? tls, List<string> problems)
    {
        if (tls is null || (string.IsNullOrEmpty(tls.CertificateFile) && string.IsNullOrEmpty(tls.KeyFile)))
        {
            return false;
        }

        if (string.IsNullOrEmpty(tls.CertificateFile) || string.IsNullOrEmpty(tls.KeyFile))
        {
            problems.Add("Proxy:Tls needs both CertificateFile and KeyFile");
            return true;
        }

        foreach (var file in new[] { tls.CertificateFile, tls.KeyFile })
        {
            if (!File.Exists(file))
            {
                problems.Add($"Proxy:Tls: {file} does not exist");
            }
        }

        if (tls.ClientCaFile is not null && !File.Exists(tls.ClientCaFile))
        {
            problems.Add($"Proxy:Tls: ClientCaFile {tls.ClientCaFile} does not exist");
        }

        if (tls.ClientCertificates.Count > 0 && tls.ClientCaFile is null)
        {
            problems.Add("Proxy:Tls:ClientCertificates needs ClientCaFile: certificates are only trusted from known CAs");
        }

        foreach (var mapping in tls.ClientCertificates)
        {
            if (!ClientCertificateRule.TryParse(mapping.Match, mapping.TokenId, out _))
            {
                problems.Add($"Proxy:Tls:ClientCertificates: \"{mapping.Match}\" is not subject:, cn:, dns:, uri: or email: followed by a value, with a TokenId");
            }
            else if (!ProxyCluster.Tokens.ApiToken.IsValidId(mapping.TokenId))
            {
                problems.Add($"Proxy:Tls:ClientCertificates: \"{mapping.TokenId}\" is not a token id");
            }
        }

        return true;
    }

    private static void ValidateAdmin(AdminOptions admin, List<string> problems)
    {
        if (!IPAddress.TryParse(admin.Address, out var address))
        {
            problems.Add($"admin address \"{admin.Address}\" is not an IP address");
        }
        else if (!IPAddress.IsLoopback(address) && admin.TokenFile is null && admin.TokenEnv is null)
        {
            problems.Add($"admin address {admin.Address} is not loopback: set Proxy:Admin:TokenFile or TokenEnv, the API is never open off loopback");
        }

        if (admin.TokenFile is not null && admin.TokenEnv is not null)
        {
            problems.Add("Proxy:Admin sets both TokenFile and TokenEnv; choose one");
        }

        if (admin.AdvertisedUrl is not null && !Uri.TryCreate(admin.AdvertisedUrl, UriKind.Absolute, out _))
        {
            problems.Add($"Proxy:Admin:AdvertisedUrl \"{admin.AdvertisedUrl}\" is not an absolute URL");
        }
    }

    private static void ValidateControlStore(ControlStoreOptions store, string? tokenFile, List<string> problems)
    {
        if (tokenFile is not null)
        {
            problems.Add("Proxy:TokenFile and Proxy:ControlStore are both set: tokens come from one place; remove TokenFile");
        }

        if (store.PasswordFile is not null && store.PasswordEnv is not null)
        {
            problems.Add("Proxy:ControlStore sets both PasswordFile and PasswordEnv; choose one");
        }

        if (store.HeartbeatIntervalMilliseconds < 100 || store.PollIntervalMilliseconds < 10)
        {
            problems.Add("Proxy:ControlStore: HeartbeatIntervalMilliseconds must be at least 100 and PollIntervalMilliseconds at least 10");
        }

        switch (TlsModes.Parse(store.Tls, store.Host))
        {
            case null:
                problems.Add($"Proxy:ControlStore has Tls \"{store.Tls}\": use {TlsModes.RouteModes}");
                break;
            case UpstreamTlsMode.Disable when !TlsModes.IsLoopbackHost(store.Host):
                problems.Add($"Proxy:ControlStore leads to {store.Host}, which is not loopback: Tls \"disable\" is only allowed for a loopback host");
                break;
        }

        if (store.TlsCaFile is not null && !File.Exists(store.TlsCaFile))
        {
            problems.Add($"Proxy:ControlStore: TlsCaFile {store.TlsCaFile} does not exist");
        }
    }

    private static void ValidateAuthFailureThrottle(AuthFailureThrottleOptions throttle, List<string> problems)
    {
        if (throttle.FreeAttempts < 0)
        {
            problems.Add("Proxy:AuthFailureThrottle:FreeAttempts must not be negative");
        }

        if (throttle.BaseDelayMilliseconds <= 0 || throttle.MaxDelayMilliseconds < throttle.BaseDelayMilliseconds)
        {
            problems.Add("Proxy:AuthFailureThrottle needs BaseDelayMilliseconds above 0 and MaxDelayMilliseconds at least BaseDelayMilliseconds");
        }

        if (throttle.ForgetAfterSeconds <= 0 || throttle.MaxTrackedAddresses <= 0)
        {
            problems.Add("Proxy:AuthFailureThrottle:ForgetAfterSeconds and MaxTrackedAddresses must be positive");
        }
    }

    private static void ValidateRouteTls(RouteOptions route, List<string> problems)
    {
        switch (TlsModes.ForRoute(route))
        {
            case null:
                problems.Add($"route \"{route.Name}\" has Tls \"{route.Tls}\": use {TlsModes.RouteModes}");
                return;
            case UpstreamTlsMode.Disable when !TlsModes.IsLoopbackHost(route.Host):
                problems.Add($"route \"{route.Name}\" leads to {route.Host}, which is not loopback: Tls \"disable\" is only allowed for a loopback host");
                break;
            case UpstreamTlsMode.Require or UpstreamTlsMode.Disable when route.TlsCaFile is not null:
                problems.Add($"route \"{route.Name}\" sets TlsCaFile, which only verify-full uses: set Tls to verify-full or remove TlsCaFile");
                break;
        }

        if (route.TlsCaFile is not null && !File.Exists(route.TlsCaFile))
        {
            problems.Add($"route \"{route.Name}\": TlsCaFile {route.TlsCaFile} does not exist");
        }
    }
}
