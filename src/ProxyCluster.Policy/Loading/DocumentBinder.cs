namespace ProxyCluster.Policy.Loading;

/// <summary>
/// Turns a <see cref="DocumentNode"/> tree into a <see cref="PolicyDocument"/>, refusing unknown keys and values
/// of the wrong shape with the position and path of the problem. Meaning (keywords, patterns) is checked later,
/// by <see cref="SqlPolicy.Compile"/>, so documents built in code get the same checks.
/// </summary>
internal static class DocumentBinder
{
    private static readonly string[] DocumentKeys = ["name", "description", "allow", "deny", "settings"];
    private static readonly string[] RuleKeys = ["name", "id", "description", "statements", "tables", "functions"];
    private static readonly string[] SettingsKeys = ["search_path", "allow_set", "allow_temp_tables", "allow_catalog_reads", "max_connections_per_node"];

    public static PolicyDocument Bind(DocumentNode root, string? defaultName, string? source)
    {
        var context = new Context(source);
        var map = context.Map(root, "the document");
        string? name = null;
        string? description = null;
        IReadOnlyList<PolicyRule> allow = [];
        IReadOnlyList<PolicyRule> deny = [];
        var settings = PolicySettings.Default;

        foreach (var (key, value) in map.Entries)
        {
            switch (context.Key(key, DocumentKeys, "the document"))
            {
                case "name":
                    name = context.String(value, "name");
                    break;
                case "description":
                    description = context.OptionalString(value, "description");
                    break;
                case "allow":
                    allow = Rules(context, value, "allow");
                    break;
                case "deny":
                    deny = Rules(context, value, "deny");
                    break;
                case "settings":
                    settings = Settings(context, value);
                    break;
                default:
                    break;
            }
        }

        name ??= defaultName ?? throw context.Error(root, "the document", "needs a \"name\"");
        return new PolicyDocument
        {
            Name = name,
            Description = description,
            Allow = allow,
            Deny = deny,
            Settings = settings,
        };
    }

    private static IReadOnlyList<PolicyRule> Rules(Context context, DocumentNode node, string path)
    {
        if (node is ScalarNode { Kind: ScalarKind.Null })
        {
            return [];
        }

        if (node is not ListNode list)
        {
            throw context.Error(node, path, $"must be a list of rules, not {node.Description}");
        }

        var rules = new List<PolicyRule>(list.Items.Count);
        for (var i = 0; i < list.Items.Count; i++)
        {
            rules.Add(Rule(context, list.Items[i], $"{path}[{i}]"));
        }

        return rules.AsReadOnly();
    }

    private static PolicyRule Rule(Context context, DocumentNode node, string path)
    {
        var map = context.Map(node, path);
        string? name = null;
        string? description = null;
        IReadOnlyList<string> statements = [];
        IReadOnlyList<string>? tables = null;
        IReadOnlyList<string> functions = [];

        foreach (var (key, value) in map.Entries)
        {
            var keyName = context.Key(key, RuleKeys, path);
            switch (keyName)
            {
                case "name":
                case "id":
                    if (name is not null)
                    {
                        throw context.Error(key, path, "has both \"name\" and \"id\"; use one");
                    }

                    name = context.String(value, $"{path}.{keyName}");
                    break;
                case "description":
                    description = context.OptionalString(value, $"{path}.description");
                    break;
                case "statements":
                    statements = context.StringList(value, $"{path}.statements");
                    break;
                case "tables":
                    tables = context.StringList(value, $"{path}.tables");
                    break;
                case "functions":
                    functions = context.StringList(value, $"{path}.functions");
                    break;
                default:
                    break;
            }
        }

        return new PolicyRule
        {
            Name = name,
            Description = description,
            Statements = statements,
            Tables = tables,
            Functions = functions,
        };
    }

    private static PolicySettings Settings(Context context, DocumentNode node)
    {
        if (node is ScalarNode { Kind: ScalarKind.Null })
        {
            return PolicySettings.Default;
        }

        var map = context.Map(node, "settings");
        var settings = PolicySettings.Default;
        foreach (var (key, value) in map.Entries)
        {
            settings = context.Key(key, SettingsKeys, "settings") switch
            {
                "search_path" => settings with { SearchPath = context.StringList(value, "settings.search_path") },
                "allow_set" => settings with { AllowSet = context.StringList(value, "settings.allow_set") },
                "allow_temp_tables" => settings with { AllowTempTables = context.Boolean(value, "settings.allow_temp_tables") },
                "allow_catalog_reads" => settings with { AllowCatalogReads = context.Boolean(value, "settings.allow_catalog_reads") },
                "max_connections_per_node" => settings with { MaxConnectionsPerNode = context.PositiveInteger(value, "settings.max_connections_per_node") },
                _ => settings,
            };
        }

        return settings;
    }

    private sealed class Context(string? source)
    {
        public PolicyLoadException Error(DocumentNode node, string path, string message) =>
            new($"{(source is null ? string.Empty : source + ": ")}{node.Position}: {path} {message}");

        public MapNode Map(DocumentNode node, string path) =>
            node as MapNode ?? throw Error(node, path, $"must be a mapping of keys to values, not {node.Description}");

        public string Key(ScalarNode key, string[] known, string path)
        {
            var name = key.Value ?? string.Empty;
            if (Array.IndexOf(known, name) < 0)
            {
                throw Error(key, path, $"has an unknown key \"{name}\" (known keys: {string.Join(", ", known)})");
            }

            return name;
        }

        public string String(DocumentNode node, string path) =>
            node is ScalarNode { Kind: ScalarKind.String, Value: { } value }
                ? value
                : throw Error(node, path, $"must be a string, not {node.Description}");

        public string? OptionalString(DocumentNode node, string path) =>
            node is ScalarNode { Kind: ScalarKind.Null } ? null : String(node, path);

        public bool Boolean(DocumentNode node, string path) =>
            node is ScalarNode { Kind: ScalarKind.Boolean, Value: var value }
                ? value == "true"
                : throw Error(node, path, $"must be true or false, not {node.Description}");

        public int PositiveInteger(DocumentNode node, string path) =>
            node is ScalarNode { Value: var value } scalar
            && (scalar.Kind == ScalarKind.Number || (scalar.Kind == ScalarKind.String && scalar.IsPlainYaml))
            && int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            && number > 0
                ? number
                : throw Error(node, path, $"must be a whole number of at least 1, not {node.Description}");

        /// <summary>A list of strings; a single string stands for a list of one.</summary>
        public IReadOnlyList<string> StringList(DocumentNode node, string path)
        {
            if (node is ScalarNode { Kind: ScalarKind.String, Value: { } single })
            {
                return [single];
            }

            if (node is not ListNode list)
            {
                throw Error(node, path, $"must be a list of strings, not {node.Description}");
            }

            var values = new string[list.Items.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = String(list.Items[i], $"{path}[{i}]");
            }

            return values;
        }
    }
}
