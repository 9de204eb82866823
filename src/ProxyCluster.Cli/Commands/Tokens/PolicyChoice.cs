using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using ProxyCluster.Cli.Admin;

namespace ProxyCluster.Cli.Commands.Tokens;

/// <summary>
/// What <c>--policy</c> named: a policy the nodes know by name, or a policy document (YAML or JSON) that travels
/// with the token. A value that is an existing file, or ends in .yaml, .yml or .json, is a document; its name is
/// its top-level <c>name</c>, else the file's name without extension.
/// </summary>
internal sealed record PolicyChoice(string Name, string? Document)
{
    private static readonly string[] DocumentExtensions = [".yaml", ".yml", ".json"];

    public static bool TryResolve(
        string value,
        CliEnvironment environment,
        [NotNullWhen(true)] out PolicyChoice? choice,
        [NotNullWhen(false)] out AdminFailure? failure)
    {
        choice = null;
        failure = null;
        var path = environment.FullPath(value);
        var looksLikeFile = DocumentExtensions.Any(extension => value.EndsWith(extension, StringComparison.OrdinalIgnoreCase));
        if (!looksLikeFile && !File.Exists(path))
        {
            choice = new PolicyChoice(value, null);
            return true;
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failure = AdminFailure.Failure($"cannot read the policy document {path}: {e.Message}");
            return false;
        }

        choice = new PolicyChoice(DocumentName(text) ?? Path.GetFileNameWithoutExtension(path), text);
        return true;
    }

    /// <summary>The document's top-level <c>name</c>, JSON or YAML; null when it has none that proxyctl can see.</summary>
    public static string? DocumentName(string text)
    {
        var trimmed = text.TrimStart();
        return trimmed.StartsWith('{') ? JsonName(trimmed) : YamlName(text);
    }

    private static string? JsonName(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                ? NonEmpty(name.GetString())
                : null;
        }
        catch (JsonException)
        {
            return null; // the node will say what is wrong with it
        }
    }

    /// <summary>A <c>name:</c> line at the top level (no indentation), its value unquoted and without a trailing comment.</summary>
    private static string? YamlName(string text)
    {
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (!line.StartsWith("name:", StringComparison.Ordinal))
            {
                continue;
            }

            var value = line[5..].Trim();
            if (value.Length >= 2 && value[0] is '"' or '\'' && value.IndexOf(value[0], 1) is var close and > 0)
            {
                return NonEmpty(value[1..close]);
            }

            var comment = value.IndexOf(" #", StringComparison.Ordinal);
            return NonEmpty((comment >= 0 ? value[..comment] : value).Trim());
        }

        return null;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
