using System.Collections.Frozen;

namespace ProxyCluster.Policy;

/// <summary>
/// Why well-known dangerous built-ins are not on <see cref="SafeFunctions"/>: only for the denial message (every
/// function that is not on the safe list is denied, known here or not).
/// </summary>
internal static class UnsafeFunctions
{
    private const string Settings = "it changes session settings";
    private const string Files = "it reads or writes files on the database server";
    private const string LargeObjects = "it reads or writes large objects or server files";
    private const string OtherSessions = "it acts on other sessions or on the server";
    private const string Sequences = "it changes a sequence";
    private const string Locks = "it takes advisory locks";
    private const string SqlFromString = "it runs SQL given as a string";
    private const string Remote = "it connects to another database";
    private const string Sleep = "it holds the connection without doing work";
    private const string TransactionId = "it assigns a transaction id (a write)";
    private const string Notify = "it sends a notification";
    private const string Replication = "it manages replication or backups";

    private static readonly FrozenDictionary<string, string> Exact = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["set_config"] = Settings,
        ["setseed"] = "it changes the session's random seed",
        ["pg_read_file"] = Files,
        ["pg_read_binary_file"] = Files,
        ["pg_stat_file"] = Files,
        ["pg_file_write"] = Files,
        ["pg_file_rename"] = Files,
        ["pg_file_unlink"] = Files,
        ["pg_terminate_backend"] = OtherSessions,
        ["pg_cancel_backend"] = OtherSessions,
        ["pg_reload_conf"] = OtherSessions,
        ["pg_rotate_logfile"] = OtherSessions,
        ["pg_log_backend_memory_contexts"] = OtherSessions,
        ["pg_promote"] = OtherSessions,
        ["pg_import_system_collations"] = OtherSessions,
        ["nextval"] = Sequences,
        ["setval"] = Sequences,
        ["query_to_xml"] = SqlFromString,
        ["query_to_xmlschema"] = SqlFromString,
        ["query_to_xml_and_xmlschema"] = SqlFromString,
        ["cursor_to_xml"] = SqlFromString,
        ["cursor_to_xmlschema"] = SqlFromString,
        ["table_to_xml"] = "it reads a table named in a string",
        ["table_to_xmlschema"] = "it reads a table named in a string",
        ["table_to_xml_and_xmlschema"] = "it reads a table named in a string",
        ["schema_to_xml"] = "it reads every table of a schema",
        ["schema_to_xmlschema"] = "it reads every table of a schema",
        ["schema_to_xml_and_xmlschema"] = "it reads every table of a schema",
        ["database_to_xml"] = "it reads every table of the database",
        ["database_to_xmlschema"] = "it reads every table of the database",
        ["database_to_xml_and_xmlschema"] = "it reads every table of the database",
        ["ts_stat"] = SqlFromString,
        ["ts_rewrite"] = SqlFromString,
        ["txid_current"] = TransactionId,
        ["pg_current_xact_id"] = TransactionId,
        ["pg_notify"] = Notify,
        ["pg_export_snapshot"] = "it exports a snapshot for other sessions",
        ["pg_switch_wal"] = Replication,
        ["pg_create_restore_point"] = Replication,
        ["pg_backup_start"] = Replication,
        ["pg_backup_stop"] = Replication,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly (string Prefix, string Reason)[] Prefixes =
    [
        ("lo_", LargeObjects),
        ("loread", LargeObjects),
        ("lowrite", LargeObjects),
        ("pg_ls_", Files),
        ("pg_read_", Files),
        ("dblink", Remote),
        ("pg_advisory_", Locks),
        ("pg_try_advisory_", Locks),
        ("pg_sleep", Sleep),
        ("pg_stat_reset", OtherSessions),
        ("pg_replication_", Replication),
        ("pg_logical_", Replication),
        ("pg_create_physical_replication_slot", Replication),
        ("pg_create_logical_replication_slot", Replication),
        ("pg_drop_replication_slot", Replication),
        ("pg_copy_", Replication),
        ("pg_wal_replay_", Replication),
    ];

    /// <summary>The reason a known dangerous built-in is denied, or null for a function this list does not know.</summary>
    public static string? ReasonFor(string name)
    {
        if (Exact.TryGetValue(name, out var reason))
        {
            return reason;
        }

        foreach (var (prefix, prefixReason) in Prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return prefixReason;
            }
        }

        return null;
    }
}
