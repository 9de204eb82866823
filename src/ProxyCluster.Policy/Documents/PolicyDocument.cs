using ProxyCluster.Policy.Loading;

namespace ProxyCluster.Policy;

/// <summary>
/// A policy as written by an operator (YAML or JSON, see POLICY.md): a name, allow rules, deny rules that win
/// over them, and settings. Immutable; <see cref="SqlPolicy.Compile"/> checks it and turns it into something
/// that can be evaluated.
/// </summary>
public sealed record PolicyDocument
{
    /// <summary>What tokens call the policy by.</summary>
    public required string Name { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<PolicyRule> Allow { get; init; } = [];

    public IReadOnlyList<PolicyRule> Deny { get; init; } = [];

    public PolicySettings Settings { get; init; } = PolicySettings.Default;

    /// <summary>
    /// Reads a document from YAML or JSON text. Unknown keys, duplicate keys and values of the wrong type are
    /// errors: a typo must not silently widen (or narrow) access.
    /// </summary>
    /// <param name="text">The document.</param>
    /// <param name="defaultName">The name when the document has no <c>name</c> (e.g. the file name); null makes <c>name</c> required.</param>
    /// <param name="source">Where the text came from, for error messages.</param>
    /// <exception cref="PolicyLoadException">The text is not a valid policy document.</exception>
    public static PolicyDocument Parse(string text, string? defaultName = null, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var root = DocumentReader.Read(text, source);
        return DocumentBinder.Bind(root, defaultName, source);
    }

    /// <summary>Reads a document from a file; its name defaults to the file name without extension.</summary>
    /// <exception cref="PolicyLoadException">The file is not a valid policy document.</exception>
    public static PolicyDocument Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PolicyLoadException($"{path}: cannot read the policy file: {ex.Message}", ex);
        }

        return Parse(text, Path.GetFileNameWithoutExtension(path), path);
    }
}
