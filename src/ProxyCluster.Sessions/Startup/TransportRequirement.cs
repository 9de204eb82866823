using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Frontend;

namespace ProxyCluster.Sessions.Startup;

/// <summary>
/// The listener's transport rule, applied once the startup packet names the user and database (CancelRequests are
/// exempt, as they are in PostgreSQL): on a listener that requires TLS, a startup in the clear is refused with the
/// error pg_hba gives when only a <c>hostssl</c> line would match.
/// </summary>
public static class TransportRequirement
{
    /// <summary>Null when the connection may go on to authenticate.</summary>
    public static PostgresError? Check(ClientConnection client, StartupMessage startup)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(startup);
        if (!client.TlsRequired || client.IsSecure)
        {
            return null;
        }

        return PostgresError.Fatal(
            SqlState.InvalidAuthorizationSpecification,
            $"no entry for host \"{HostOf(client.RemoteAddress)}\", user \"{startup.User}\", database \"{startup.Database}\", no encryption",
            hint: "This listener requires TLS: connect with sslmode=require or stronger.");
    }

    /// <summary>"127.0.0.1:50000" → "127.0.0.1", "[::1]:50000" → "::1", as PostgreSQL names the client host.</summary>
    private static string HostOf(string remoteAddress)
    {
        var colon = remoteAddress.LastIndexOf(':');
        if (colon <= 0 || remoteAddress.IndexOf(':') != colon && remoteAddress[0] != '[')
        {
            return remoteAddress;
        }

        return remoteAddress[..colon].Trim('[', ']');
    }
}
