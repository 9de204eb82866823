using System.Collections.Frozen;

namespace ProxyCluster.Policy;

/// <summary>
/// Which settings a client may change with <c>SET</c> / <c>RESET</c> (and in its startup packet). Names are
/// PostgreSQL's, lower case, as <see cref="ProxyCluster.Sql.StatementAnalysis.SettingName"/> reports them.
/// </summary>
public static class SafeSettings
{
    /// <summary>
    /// Settings every policy lets a client change: presentation (dates, numbers, messages), the client's own
    /// timeouts and memory, planner knobs and the transaction's isolation. None of them changes who the session
    /// is, which tables a name means, how the proxy reads the query text, or what other sessions see.
    /// </summary>
    public static IReadOnlySet<string> Harmless { get; } = FrozenSet.Create(
        StringComparer.Ordinal,
        // Presentation.
        "application_name", "datestyle", "intervalstyle", "timezone", "timezone_abbreviations", "extra_float_digits",
        "bytea_output", "client_min_messages", "lc_monetary", "lc_numeric", "lc_time", "xmlbinary", "xmloption",
        "quote_all_identifiers", "default_text_search_config", "escape_string_warning",
        // The session's own limits and resources.
        "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout", "idle_session_timeout",
        "work_mem", "hash_mem_multiplier", "maintenance_work_mem", "temp_buffers", "synchronous_commit",
        // Transactions (SET TRANSACTION … appears as "transaction"; READ WRITE cannot be told apart from the
        // isolation level there, and BEGIN READ WRITE is transaction control anyway).
        "transaction", "transaction snapshot", "transaction_isolation", "default_transaction_isolation",
        "transaction_deferrable", "default_transaction_deferrable",
        // Planner.
        "enable_async_append", "enable_bitmapscan", "enable_gathermerge", "enable_hashagg", "enable_hashjoin",
        "enable_incremental_sort", "enable_indexonlyscan", "enable_indexscan", "enable_material", "enable_memoize",
        "enable_mergejoin", "enable_nestloop", "enable_parallel_append", "enable_parallel_hash",
        "enable_partition_pruning", "enable_partitionwise_aggregate", "enable_partitionwise_join", "enable_seqscan",
        "enable_sort", "enable_tidscan", "random_page_cost", "seq_page_cost", "cpu_tuple_cost", "cpu_index_tuple_cost",
        "cpu_operator_cost", "effective_cache_size", "effective_io_concurrency", "default_statistics_target",
        "from_collapse_limit", "join_collapse_limit", "geqo", "geqo_threshold", "plan_cache_mode",
        "cursor_tuple_fraction", "constraint_exclusion", "max_parallel_workers_per_gather", "parallel_setup_cost",
        "parallel_tuple_cost", "jit");

    /// <summary>
    /// Settings the route pins for the whole session: the proxy reads every query under them (libpg_query assumes
    /// UTF-8 and <c>standard_conforming_strings = on</c>) and resolves unqualified names against the pinned
    /// <c>search_path</c>. No policy can allow changing them (the unrestricted policy may change <c>search_path</c>).
    /// </summary>
    public static IReadOnlySet<string> Pinned { get; } = FrozenSet.Create(
        StringComparer.Ordinal,
        "search_path", "client_encoding", "standard_conforming_strings");

    /// <summary>
    /// Settings the <c>set</c> statement keyword does not cover: a policy must name them in
    /// <c>settings.allow_set</c> (role and session authorization have their own keywords).
    /// </summary>
    public static IReadOnlySet<string> Sensitive { get; } = FrozenSet.Create(
        StringComparer.Ordinal,
        "default_transaction_read_only", "transaction_read_only", "session characteristics",
        "session_replication_role", "row_security", "role", "session_authorization");
}
