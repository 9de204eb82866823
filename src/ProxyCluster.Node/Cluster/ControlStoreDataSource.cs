using Npgsql;
using ProxyCluster.Node.Configuration;
using ProxyCluster.Sessions.Routing;
using ProxyCluster.Sessions.Upstream;

namespace ProxyCluster.Node.Cluster;

/// <summary>
/// The Npgsql data source for the control store. The password is read from its file or variable at every new
/// physical connection (like a route's), so replacing it needs no restart; it never enters a connection string.
/// </summary>
public static class ControlStoreDataSource
{
    public static NpgsqlDataSource Create(ControlStoreOptions options, string nodeId)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connection = new NpgsqlConnectionStringBuilder
        {
            Host = options.Host,
            Port = options.Port,
            Database = options.Database,
            Username = options.User,
            ApplicationName = $"proxycluster-node {nodeId}",
            Timeout = 5,
            CommandTimeout = 10,
            // A dead peer must be noticed by the LISTEN connection even when no notification is due.
            KeepAlive = 5,
            SslMode = (TlsModes.Parse(options.Tls, options.Host) ?? UpstreamTlsMode.VerifyFull) switch
            {
                UpstreamTlsMode.Disable => SslMode.Disable,
                UpstreamTlsMode.Require => SslMode.Require,
                _ => SslMode.VerifyFull,
            },
        };
        if (options.TlsCaFile is { } caFile)
        {
            connection.RootCertificate = caFile;
        }

        var builder = new NpgsqlDataSourceBuilder(connection.ConnectionString);
        var password = new FileOrEnvironmentPassword(options.PasswordFile, options.PasswordEnv);
        if (options.PasswordFile is not null || options.PasswordEnv is not null)
        {
            builder.UsePasswordProvider(
                _ => password.Read() ?? throw new InvalidOperationException($"the control store password ({password}) is not set"),
                (_, _) => ValueTask.FromResult(password.Read() ?? throw new InvalidOperationException($"the control store password ({password}) is not set")));
        }

        return builder.Build();
    }
}
