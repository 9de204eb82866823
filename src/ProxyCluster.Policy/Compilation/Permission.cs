using System.Collections.Frozen;

namespace ProxyCluster.Policy.Compilation;

/// <summary>What a rule's statement keywords grant (or, in a deny rule, take away).</summary>
[Flags]
internal enum Permission
{
    None = 0,

    // About tables: a rule grants them on the tables it lists.
    Select = 1 << 0,
    Insert = 1 << 1,
    Update = 1 << 2,
    Delete = 1 << 3,
    Truncate = 1 << 4,
    Lock = 1 << 5,
    Merge = 1 << 6,
    CopyFrom = 1 << 7,
    CopyTo = 1 << 8,

    // About tables when the statement names some, about the whole database when it names none.
    Ddl = 1 << 9,
    Maintain = 1 << 10,

    // About the session or the server, never about tables.
    CopyProgram = 1 << 11,
    CopyServerFile = 1 << 12,
    Utility = 1 << 13,
    Set = 1 << 14,
    SetRole = 1 << 15,
    SetSessionAuthorization = 1 << 16,
    Listen = 1 << 17,
    Notify = 1 << 18,
    Do = 1 << 19,
    Call = 1 << 20,
    Load = 1 << 21,
    Execute = 1 << 22,

    All = (1 << 23) - 1,

    TableOnly = Select | Insert | Update | Delete | Truncate | Lock | Merge | CopyFrom | CopyTo,
    TableOrDatabase = Ddl | Maintain,
    StatementOnly = All & ~(TableOnly | TableOrDatabase),
}

internal static class Permissions
{
    /// <summary>The statement keywords of a policy document.</summary>
    public static FrozenDictionary<string, Permission> Keywords { get; } = new Dictionary<string, Permission>(StringComparer.Ordinal)
    {
        ["select"] = Permission.Select,
        ["insert"] = Permission.Insert,
        ["update"] = Permission.Update,
        ["delete"] = Permission.Delete,
        ["truncate"] = Permission.Truncate,
        ["lock"] = Permission.Lock,
        ["merge"] = Permission.Merge,
        ["copy_from"] = Permission.CopyFrom,
        ["copy_to"] = Permission.CopyTo,
        ["ddl"] = Permission.Ddl,
        ["maintain"] = Permission.Maintain,
        ["copy_program"] = Permission.CopyProgram,
        ["copy_server_file"] = Permission.CopyServerFile,
        ["utility"] = Permission.Utility,
        ["set"] = Permission.Set,
        ["set_role"] = Permission.SetRole,
        ["set_session_authorization"] = Permission.SetSessionAuthorization,
        ["listen"] = Permission.Listen,
        ["notify"] = Permission.Notify,
        ["do"] = Permission.Do,
        ["call"] = Permission.Call,
        ["load"] = Permission.Load,
        ["execute"] = Permission.Execute,
        ["all"] = Permission.All,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>How a denial message names the permission.</summary>
    public static string Describe(Permission permission) => permission switch
    {
        Permission.Select => "SELECT",
        Permission.Insert => "INSERT",
        Permission.Update => "UPDATE",
        Permission.Delete => "DELETE",
        Permission.Truncate => "TRUNCATE",
        Permission.Lock => "LOCK (row locks or LOCK TABLE)",
        Permission.Merge => "MERGE",
        Permission.CopyFrom => "COPY FROM",
        Permission.CopyTo => "COPY TO",
        Permission.Ddl => "DDL",
        Permission.Maintain => "maintenance (VACUUM, ANALYZE, CLUSTER, REINDEX, REFRESH MATERIALIZED VIEW)",
        Permission.CopyProgram => "COPY … PROGRAM",
        Permission.CopyServerFile => "COPY to or from a server file",
        Permission.Utility => "utility statements",
        Permission.Set => "SET",
        Permission.SetRole => "SET ROLE",
        Permission.SetSessionAuthorization => "SET SESSION AUTHORIZATION",
        Permission.Listen => "LISTEN",
        Permission.Notify => "NOTIFY",
        Permission.Do => "DO",
        Permission.Call => "CALL",
        Permission.Load => "LOAD",
        Permission.Execute => "EXECUTE",
        _ => permission.ToString(),
    };
}
