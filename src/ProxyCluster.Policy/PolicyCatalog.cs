using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace ProxyCluster.Policy;

/// <summary>
/// Resolves a token's policy name to a <see cref="SqlPolicy"/>: the built-ins plus documents loaded from files.
/// Immutable: loading or adding returns a new catalog, so a host swaps the whole snapshot on reload. A name
/// that is not here must be denied by the caller (fail closed).
/// </summary>
public sealed class PolicyCatalog
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    private readonly FrozenDictionary<string, SqlPolicy> _policies;

    private PolicyCatalog(FrozenDictionary<string, SqlPolicy> policies) => _policies = policies;

    /// <summary>Only the built-in policies, <c>unrestricted</c> and <c>read-only</c>.</summary>
    public static PolicyCatalog BuiltIn { get; } = new(new Dictionary<string, SqlPolicy>(StringComparer.Ordinal)
    {
        [SqlPolicy.UnrestrictedName] = SqlPolicy.Unrestricted,
        [SqlPolicy.ReadOnlyName] = SqlPolicy.ReadOnly,
    }.ToFrozenDictionary(StringComparer.Ordinal));

    /// <summary>Every policy name, built-ins included.</summary>
    public IReadOnlyCollection<string> Names => _policies.Keys;

    public IReadOnlyCollection<SqlPolicy> Policies => _policies.Values;

    /// <summary>Finds a policy by its exact name. False (and the caller denies) for an unknown or null name.</summary>
    public bool TryGet(string? name, [NotNullWhen(true)] out SqlPolicy? policy)
    {
        if (name is null)
        {
            policy = null;
            return false;
        }

        return _policies.TryGetValue(name, out policy);
    }

    /// <summary>A catalog with <paramref name="policy"/> added.</summary>
    /// <exception cref="PolicyLoadException">A policy of that name is already in the catalog (built-ins cannot be replaced).</exception>
    public PolicyCatalog With(SqlPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return With([policy]);
    }

    /// <summary>A catalog with every policy added; names must be new and distinct.</summary>
    /// <exception cref="PolicyLoadException">A name is already taken.</exception>
    public PolicyCatalog With(IEnumerable<SqlPolicy> policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var all = new Dictionary<string, SqlPolicy>(_policies, StringComparer.Ordinal);
        foreach (var policy in policies)
        {
            if (!all.TryAdd(policy.Name, policy))
            {
                throw new PolicyLoadException($"there is already a policy named \"{policy.Name}\"");
            }
        }

        return new PolicyCatalog(all.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>
    /// The built-ins plus every <c>*.yaml</c>, <c>*.yml</c> and <c>*.json</c> file directly in
    /// <paramref name="directory"/> (not its subdirectories). A document's name is its <c>name</c>, or the file
    /// name without extension.
    /// </summary>
    /// <exception cref="PolicyLoadException">A file is invalid, or two policies have the same name; the message lists every problem.</exception>
    public static PolicyCatalog LoadDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new PolicyLoadException($"{directory}: the policy directory does not exist");
        }

        var files = Directory.EnumerateFiles(directory)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        return LoadFiles(files);
    }

    /// <summary>The built-ins plus the given policy files.</summary>
    /// <exception cref="PolicyLoadException">A file is invalid, or two policies have the same name; the message lists every problem.</exception>
    public static PolicyCatalog LoadFiles(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var errors = new List<string>();
        var loaded = new Dictionary<string, (SqlPolicy Policy, string Path)>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            SqlPolicy policy;
            try
            {
                policy = SqlPolicy.Compile(PolicyDocument.Load(path));
            }
            catch (PolicyLoadException ex)
            {
                errors.Add(ex.Message.StartsWith(path, StringComparison.Ordinal) ? ex.Message : $"{path}: {ex.Message}");
                continue;
            }

            if (BuiltIn._policies.ContainsKey(policy.Name))
            {
                errors.Add($"{path}: \"{policy.Name}\" is a built-in policy and cannot be redefined");
            }
            else if (loaded.TryGetValue(policy.Name, out var other))
            {
                errors.Add($"{path}: policy \"{policy.Name}\" is also defined in {other.Path}");
            }
            else
            {
                loaded.Add(policy.Name, (policy, path));
            }
        }

        if (errors.Count > 0)
        {
            throw new PolicyLoadException(string.Join(Environment.NewLine, errors));
        }

        return BuiltIn.With(loaded.Values.Select(v => v.Policy));
    }
}
