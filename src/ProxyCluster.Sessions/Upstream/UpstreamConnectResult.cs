using System.Diagnostics.CodeAnalysis;
using ProxyCluster.Protocol.Errors;

namespace ProxyCluster.Sessions.Upstream;

/// <summary>An upstream connection, or the error the client should see instead (expected failures are values).</summary>
public readonly struct UpstreamConnectResult
{
    private UpstreamConnectResult(UpstreamConnection? connection, PostgresError? error)
    {
        Connection = connection;
        Error = error;
    }

    public UpstreamConnection? Connection { get; }

    public PostgresError? Error { get; }

    [MemberNotNullWhen(true, nameof(Connection))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Connection is not null;

    public static UpstreamConnectResult Success(UpstreamConnection connection) => new(connection, null);

    public static UpstreamConnectResult Failure(PostgresError error) => new(null, error);
}
