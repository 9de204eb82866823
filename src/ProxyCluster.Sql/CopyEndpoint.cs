namespace ProxyCluster.Sql;

/// <summary>Where a <c>COPY</c> reads from or writes to.</summary>
public enum CopyEndpoint
{
    /// <summary>Not a COPY statement.</summary>
    None = 0,
    /// <summary><c>STDIN</c> / <c>STDOUT</c>: the data flows through the client connection.</summary>
    Client,
    /// <summary>A file on the database server (needs <c>pg_read_server_files</c>/<c>pg_write_server_files</c>).</summary>
    ServerFile,
    /// <summary>A shell command on the database server.</summary>
    Program,
}
