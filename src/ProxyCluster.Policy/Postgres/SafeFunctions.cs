using System.Collections.Frozen;
using ProxyCluster.Sql;

namespace ProxyCluster.Policy;

/// <summary>
/// The built-in functions every policy allows: side-effect-free PostgreSQL 15 functions that read nothing but
/// their arguments (and, for the catalog helpers, the system catalogs). A call matches when it is unqualified
/// or qualified with <c>pg_catalog</c>. Anything else — user-defined functions, extension functions, and the
/// built-ins that touch files, settings, sequences, locks, other sessions, large objects, or run SQL given as a
/// string — is denied unless a policy rule names it. POLICY.md explains the choices.
/// </summary>
public static class SafeFunctions
{
    /// <summary>The allowed names (as PostgreSQL spells them: lower case).</summary>
    public static IReadOnlySet<string> Names { get; } = FrozenSet.Create(
        StringComparer.Ordinal,
        // Aggregates.
        "count", "sum", "avg", "min", "max", "array_agg", "string_agg", "json_agg", "jsonb_agg", "json_object_agg",
        "jsonb_object_agg", "bool_and", "bool_or", "every", "bit_and", "bit_or", "bit_xor", "stddev", "stddev_pop",
        "stddev_samp", "variance", "var_pop", "var_samp", "corr", "covar_pop", "covar_samp", "regr_avgx", "regr_avgy",
        "regr_count", "regr_intercept", "regr_r2", "regr_slope", "regr_sxx", "regr_sxy", "regr_syy",
        "percentile_cont", "percentile_disc", "mode", "range_agg", "range_intersect_agg", "xmlagg",
        // Window functions.
        "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value",
        "last_value", "nth_value",
        // Conditionals (COALESCE, NULLIF, GREATEST, LEAST are syntax, listed for completeness).
        "coalesce", "nullif", "greatest", "least", "num_nulls", "num_nonnulls",
        // Mathematics.
        "abs", "ceil", "ceiling", "floor", "round", "trunc", "sign", "sqrt", "cbrt", "exp", "ln", "log", "log10",
        "power", "mod", "div", "pi", "degrees", "radians", "sin", "cos", "tan", "cot", "asin", "acos", "atan",
        "atan2", "sind", "cosd", "tand", "cotd", "asind", "acosd", "atand", "atan2d", "sinh", "cosh", "tanh",
        "asinh", "acosh", "atanh", "gcd", "lcm", "factorial", "width_bucket", "scale", "min_scale", "trim_scale",
        "random", "gen_random_uuid",
        // Strings.
        "length", "char_length", "character_length", "octet_length", "bit_length", "lower", "upper", "initcap",
        "substring", "substr", "btrim", "ltrim", "rtrim", "lpad", "rpad", "replace", "concat", "concat_ws",
        "format", "left", "right", "repeat", "reverse", "split_part", "strpos", "position", "starts_with",
        "translate", "ascii", "chr", "md5", "sha224", "sha256", "sha384", "sha512", "encode", "decode",
        "regexp_match", "regexp_matches", "regexp_replace", "regexp_split_to_array", "regexp_split_to_table",
        "regexp_count", "regexp_instr", "regexp_like", "regexp_substr", "quote_ident", "quote_literal",
        "quote_nullable", "to_hex", "overlay", "string_to_array", "string_to_table", "array_to_string", "unistr",
        "normalize", "is_normalized", "similar_to_escape", "like_escape", "convert_from", "convert_to",
        "parse_ident", "to_tsvector", "to_tsquery", "plainto_tsquery", "phraseto_tsquery", "websearch_to_tsquery",
        "ts_rank", "ts_rank_cd", "ts_headline", "setweight", "strip", "numnode", "querytree",
        // Date and time.
        "now", "current_timestamp", "current_date", "current_time", "localtime", "localtimestamp",
        "clock_timestamp", "statement_timestamp", "transaction_timestamp", "timeofday", "date_trunc", "date_part",
        "extract", "date_bin", "age", "make_date", "make_time", "make_timestamp", "make_timestamptz",
        "make_interval", "to_char", "to_date", "to_timestamp", "to_number", "justify_days", "justify_hours",
        "justify_interval", "isfinite", "timezone", "overlaps",
        // JSON.
        "to_json", "to_jsonb", "array_to_json", "row_to_json", "json_build_array", "jsonb_build_array",
        "json_build_object", "jsonb_build_object", "json_object", "jsonb_object", "json_array_length",
        "jsonb_array_length", "json_each", "jsonb_each", "json_each_text", "jsonb_each_text", "json_extract_path",
        "jsonb_extract_path", "json_extract_path_text", "jsonb_extract_path_text", "json_object_keys",
        "jsonb_object_keys", "json_populate_record", "jsonb_populate_record", "json_populate_recordset",
        "jsonb_populate_recordset", "json_to_record", "jsonb_to_record", "json_to_recordset", "jsonb_to_recordset",
        "json_array_elements", "jsonb_array_elements", "json_array_elements_text", "jsonb_array_elements_text",
        "json_typeof", "jsonb_typeof", "json_strip_nulls", "jsonb_strip_nulls", "jsonb_set", "jsonb_set_lax",
        "jsonb_insert", "jsonb_pretty", "jsonb_path_exists", "jsonb_path_match", "jsonb_path_query",
        "jsonb_path_query_array", "jsonb_path_query_first", "jsonb_path_exists_tz", "jsonb_path_match_tz",
        "jsonb_path_query_tz", "jsonb_path_query_array_tz", "jsonb_path_query_first_tz",
        // Arrays and set-returning helpers.
        "array_append", "array_prepend", "array_cat", "array_length", "array_lower", "array_upper", "array_ndims",
        "array_dims", "array_position", "array_positions", "array_remove", "array_replace", "array_fill",
        "trim_array", "cardinality", "unnest", "generate_series", "generate_subscripts",
        // Ranges.
        "lower_inc", "upper_inc", "lower_inf", "upper_inf", "isempty", "range_merge", "multirange",
        // Function-style casts.
        "text", "int2", "int4", "int8", "float4", "float8", "numeric", "bool", "date", "time", "timetz",
        "timestamp", "timestamptz", "interval", "varchar", "bpchar", "cidr", "host", "masklen", "family", "network", "broadcast",
        // Session and server information (reads only).
        "version", "current_database", "current_catalog", "current_schema", "current_schemas", "current_user",
        "current_role", "session_user", "user", "current_setting", "pg_backend_pid", "pg_postmaster_start_time",
        "pg_conf_load_time", "pg_is_in_recovery", "pg_typeof", "pg_collation_for", "pg_column_size",
        "txid_current_if_assigned", "pg_current_xact_id_if_assigned",
        // Catalog helpers used by drivers, psql and admin tools.
        "format_type", "pg_get_userbyid", "pg_table_is_visible", "pg_type_is_visible", "pg_function_is_visible",
        "pg_get_expr", "pg_get_constraintdef", "pg_get_indexdef", "pg_get_viewdef", "pg_get_triggerdef",
        "pg_get_ruledef", "pg_get_functiondef", "pg_get_function_arguments", "pg_get_function_result",
        "pg_get_function_identity_arguments", "pg_get_serial_sequence", "pg_get_partkeydef",
        "pg_get_partition_constraintdef", "pg_get_statisticsobjdef", "pg_get_keywords", "obj_description",
        "col_description", "shobj_description", "pg_encoding_to_char", "pg_char_to_encoding",
        "has_table_privilege", "has_column_privilege", "has_any_column_privilege", "has_schema_privilege",
        "has_database_privilege", "has_function_privilege", "has_sequence_privilege", "has_type_privilege",
        "pg_has_role", "pg_relation_size", "pg_total_relation_size", "pg_table_size", "pg_indexes_size",
        "pg_database_size", "pg_size_pretty", "pg_size_bytes", "to_regclass", "to_regtype", "to_regproc",
        "to_regprocedure", "to_regnamespace", "to_regrole", "pg_options_to_table");

    /// <summary>True when <paramref name="function"/> is on the list: unqualified, or qualified with <c>pg_catalog</c>.</summary>
    public static bool IsSafe(FunctionReference function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return IsSafe(function.Schema, function.Name);
    }

    /// <inheritdoc cref="IsSafe(FunctionReference)"/>
    public static bool IsSafe(string? schema, string name) =>
        (schema is null || string.Equals(schema, "pg_catalog", StringComparison.Ordinal)) && Names.Contains(name);
}
