namespace ProxyCluster.Sql;

/// <summary>What a statement does, as far as policy is concerned.</summary>
public enum StatementKind
{
    /// <summary>A node type the analyzer does not know. Policy must deny it.</summary>
    Unknown = 0,
    Select,
    Insert,
    Update,
    Delete,
    Merge,
    /// <summary><c>COPY table FROM STDIN</c> or from a server file.</summary>
    CopyFrom,
    /// <summary><c>COPY table|(query) TO STDOUT</c> or to a server file.</summary>
    CopyTo,
    /// <summary><c>COPY … FROM PROGRAM</c> or <c>COPY … TO PROGRAM</c>: runs a shell command on the server.</summary>
    CopyProgram,
    /// <summary>CREATE / ALTER / DROP / GRANT / COMMENT and the other schema-changing statements.</summary>
    Ddl,
    /// <summary>BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, PREPARE TRANSACTION, …</summary>
    TransactionControl,
    Set,
    Show,
    Reset,
    /// <summary><c>SET ROLE</c> / <c>RESET ROLE</c>.</summary>
    SetRole,
    /// <summary><c>SET SESSION AUTHORIZATION</c> / <c>RESET SESSION AUTHORIZATION</c>.</summary>
    SetSessionAuthorization,
    Discard,
    Listen,
    Notify,
    Unlisten,
    /// <summary><c>PREPARE name AS …</c>; <see cref="StatementAnalysis.Inner"/> is the prepared statement.</summary>
    Prepare,
    Execute,
    Deallocate,
    /// <summary><c>EXPLAIN …</c>; <see cref="StatementAnalysis.Inner"/> is the explained statement.</summary>
    Explain,
    Do,
    Call,
    /// <summary><c>LOCK TABLE</c>.</summary>
    Lock,
    Truncate,
    Vacuum,
    Analyze,
    Load,
    /// <summary><c>DECLARE cursor … FOR query</c>; <see cref="StatementAnalysis.Inner"/> is the query.</summary>
    DeclareCursor,
    /// <summary><c>FETCH</c> / <c>MOVE</c> on a cursor.</summary>
    Fetch,
    /// <summary><c>CLOSE</c> a cursor.</summary>
    Close,
    /// <summary>A known statement that fits no other kind (CHECKPOINT, CLUSTER, REINDEX, REFRESH, ALTER SYSTEM, SET CONSTRAINTS, …).</summary>
    Utility,
}
