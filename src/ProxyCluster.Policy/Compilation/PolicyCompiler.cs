using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace ProxyCluster.Policy.Compilation;

/// <summary>Checks a <see cref="PolicyDocument"/> for meaning and compiles its rules; collects every problem before failing.</summary>
internal static partial class PolicyCompiler
{
    public static Result Compile(PolicyDocument document)
    {
        var errors = new List<string>();
        if (!PolicyName().IsMatch(document.Name ?? string.Empty))
        {
            errors.Add($"name \"{document.Name}\" must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }

        var settings = document.Settings ?? PolicySettings.Default;
        var searchPath = CompileSearchPath(settings.SearchPath, errors);
        var allowSet = CompileAllowSet(settings.AllowSet, errors);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var allow = CompileRules(document.Allow, isDeny: false, searchPath, names, errors);
        var deny = CompileRules(document.Deny, isDeny: true, searchPath, names, errors);

        if (errors.Count > 0)
        {
            throw new PolicyLoadException(
                $"policy \"{document.Name}\" is not valid:{Environment.NewLine}  - {string.Join(Environment.NewLine + "  - ", errors)}");
        }

        return new Result(searchPath, allow, deny, allowSet);
    }

    private static string[] CompileSearchPath(IReadOnlyList<string>? schemas, List<string> errors)
    {
        if (schemas is null || schemas.Count == 0)
        {
            errors.Add("settings.search_path must name at least one schema");
            return ["public"];
        }

        var result = new List<string>(schemas.Count);
        foreach (var text in schemas)
        {
            if (text is "$user" or "\"$user\"")
            {
                errors.Add("settings.search_path: \"$user\" depends on the upstream role; name the schema");
                continue;
            }

            if (!SqlName.TryParse(text ?? string.Empty, allowWildcard: false, out var name, out var error) || name.Schema is not null)
            {
                errors.Add($"settings.search_path: \"{text}\" {error ?? "must be a single schema name"}");
                continue;
            }

            var schema = name.Name!;
            if (schema == SystemCatalog.CatalogSchema || SystemCatalog.IsTemporarySchema(schema))
            {
                errors.Add($"settings.search_path: leave out \"{schema}\" (PostgreSQL searches pg_temp and pg_catalog first by itself)");
            }
            else if (result.Contains(schema))
            {
                errors.Add($"settings.search_path: \"{schema}\" is listed twice");
            }
            else
            {
                result.Add(schema);
            }
        }

        return result.Count == 0 ? ["public"] : [.. result];
    }

    private static FrozenSet<string> CompileAllowSet(IReadOnlyList<string>? names, List<string> errors)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in names ?? [])
        {
            var name = (text ?? string.Empty).Trim().ToLowerInvariant();
            if (!SettingName().IsMatch(name))
            {
                errors.Add($"settings.allow_set: \"{text}\" is not a setting name");
            }
            else if (SafeSettings.Pinned.Contains(name))
            {
                errors.Add($"settings.allow_set: \"{name}\" is pinned by the route and can never be changed by a client");
            }
            else if (name is "role" or "session_authorization")
            {
                errors.Add($"settings.allow_set: \"{name}\" is not a setting here; use the statement keyword set_role or set_session_authorization");
            }
            else
            {
                result.Add(name);
            }
        }

        return result.ToFrozenSet(StringComparer.Ordinal);
    }

    private static CompiledRule[] CompileRules(
        IReadOnlyList<PolicyRule>? rules,
        bool isDeny,
        string[] searchPath,
        HashSet<string> names,
        List<string> errors)
    {
        if (rules is null || rules.Count == 0)
        {
            return [];
        }

        var section = isDeny ? "deny" : "allow";
        var compiled = new CompiledRule[rules.Count];
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i] ?? new PolicyRule();
            var path = $"{section}[{i}]";
            var name = string.IsNullOrWhiteSpace(rule.Name) ? path : rule.Name.Trim();
            var where = name == path ? path : $"{path} (\"{name}\")";
            if (!names.Add(name))
            {
                errors.Add($"{where}: another rule has the same name");
            }

            var permissions = Permission.None;
            var explicitStatementOnly = Permission.None;
            foreach (var keyword in rule.Statements ?? [])
            {
                var key = (keyword ?? string.Empty).Trim().ToLowerInvariant();
                if (Permissions.Keywords.TryGetValue(key, out var permission))
                {
                    permissions |= permission;
                    if (permission != Permission.All)
                    {
                        explicitStatementOnly |= permission & Permission.StatementOnly;
                    }
                }
                else
                {
                    errors.Add($"{where}: unknown statement keyword \"{keyword}\" (known: {string.Join(", ", Permissions.Keywords.Keys.Order(StringComparer.Ordinal))})");
                }
            }

            var tables = CompileTables(rule.Tables, searchPath, where, errors);
            var functions = CompileFunctions(rule.Functions, where, errors);
            if (permissions == Permission.None && functions.Length == 0)
            {
                errors.Add($"{where}: names no statements and no functions");
            }

            var everything = tables is null || Array.Exists(tables, t => t.IsEverything);
            if (!isDeny && tables is null && (permissions & (Permission.TableOnly | Permission.TableOrDatabase)) != 0)
            {
                errors.Add($"{where}: allows statements on tables but has no \"tables\" (use \"*\" for every table)");
            }

            if (!everything && explicitStatementOnly != Permission.None)
            {
                errors.Add($"{where}: {Keywords(explicitStatementOnly)} are not about tables; put them in a rule without \"tables\" (or with \"*\")");
            }

            compiled[i] = new CompiledRule(name, isDeny, permissions, tables, functions);
        }

        return compiled;
    }

    private static SqlName[]? CompileTables(IReadOnlyList<string>? tables, string[] searchPath, string where, List<string> errors)
    {
        if (tables is null)
        {
            return null;
        }

        if (tables.Count == 0)
        {
            errors.Add($"{where}: \"tables\" is empty");
            return [];
        }

        var result = new List<SqlName>();
        foreach (var text in tables)
        {
            if (!SqlName.TryParse(text ?? string.Empty, allowWildcard: true, out var name, out var error))
            {
                errors.Add($"{where}: table \"{text}\" {error}");
            }
            else if (name.Schema is null && name.Name is not null)
            {
                // An unqualified table means the table of that name in any schema of the pinned search_path.
                foreach (var schema in searchPath)
                {
                    result.Add(new SqlName(schema, name.Name));
                }
            }
            else
            {
                result.Add(name);
            }
        }

        return [.. result];
    }

    private static SqlName[] CompileFunctions(IReadOnlyList<string>? functions, string where, List<string> errors)
    {
        var result = new List<SqlName>();
        foreach (var text in functions ?? [])
        {
            if (SqlName.TryParse(text ?? string.Empty, allowWildcard: true, out var name, out var error))
            {
                result.Add(name);
            }
            else
            {
                errors.Add($"{where}: function \"{text}\" {error}");
            }
        }

        return [.. result];
    }

    private static string Keywords(Permission permissions) =>
        string.Join(", ", Permissions.Keywords.Where(k => k.Value != Permission.All && (permissions & k.Value) != 0).Select(k => k.Key).Order(StringComparer.Ordinal));

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex PolicyName();

    [GeneratedRegex("^[a-z_][a-z0-9_$]*([. ][a-z_][a-z0-9_$]*)*$")]
    private static partial Regex SettingName();

    internal sealed record Result(string[] SearchPath, CompiledRule[] AllowRules, CompiledRule[] DenyRules, FrozenSet<string> AllowSet);
}
