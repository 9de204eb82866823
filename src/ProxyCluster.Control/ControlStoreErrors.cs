using System.Net.Sockets;
using Npgsql;

namespace ProxyCluster.Control;

/// <summary>Which exceptions mean "the store is unreachable" (as opposed to a bug or a refused statement).</summary>
internal static class ControlStoreErrors
{
    /// <summary>Failing to open a connection is always unreachability (refused, auth, database gone or closed), unless the caller cancelled.</summary>
    public static bool IsOpenFailure(Exception e, CancellationToken cancellationToken) => e switch
    {
        OperationCanceledException => false,
        NpgsqlException or SocketException or IOException or TimeoutException => true,
        _ => false,
    } && !cancellationToken.IsCancellationRequested;

    /// <summary>Failures of an open connection that mean the store went away, not that a statement was wrong.</summary>
    public static bool IsUnavailable(Exception e, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        return e switch
        {
            ControlStoreUnavailableException => true,
            PostgresException pg => IsUnavailableState(pg.SqlState),
            NpgsqlException or SocketException or IOException or TimeoutException => true,
            _ => false,
        };
    }

    /// <summary>The message and, where it adds something, its cause's (Npgsql wraps socket errors).</summary>
    public static string Describe(Exception e)
    {
        var inner = e.InnerException;
        return inner is null || e.Message.Contains(inner.Message, StringComparison.Ordinal) ? e.Message : $"{e.Message} ({inner.Message})";
    }

    private static bool IsUnavailableState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
        || sqlState.StartsWith("53", StringComparison.Ordinal) // insufficient resources (too many connections)
        || sqlState.StartsWith("28", StringComparison.Ordinal) // invalid authorization
        || sqlState.StartsWith("57P", StringComparison.Ordinal) // shutdown, crash, cannot connect now
        || sqlState is "3D000" // the database is gone
            or "25006" // read-only transaction: we reached a standby
            or "55000"; // database not accepting connections
}
