using System.Text;

namespace ProxyCluster.Cli.Connection;

/// <summary>
/// <c>cluster-config/.run/cluster.env</c>, written by <c>cluster-config/up.sh</c> for scripts to source. proxyctl
/// reads it, never runs it: <c>KEY=value</c> or <c>export KEY=value</c> lines, values bare or in single or double
/// quotes (also concatenated, as in up.sh's <c>'it'\''s'</c>); comments and anything else are skipped.
/// </summary>
internal sealed record ClusterEnvFile(string Path, IReadOnlyDictionary<string, string> Values)
{
    /// <summary>Where the file lives relative to a checkout's root.</summary>
    public static readonly string RelativePath = System.IO.Path.Combine("cluster-config", ".run", "cluster.env");

    public string? this[string key] => Values.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    /// <summary>
    /// The file found by walking up from the working directory and, failing that, from proxyctl's own directory;
    /// null when neither finds a readable one.
    /// </summary>
    public static ClusterEnvFile? Discover(CliEnvironment environment)
    {
        foreach (var start in new[] { environment.CurrentDirectory, environment.BaseDirectory })
        {
            if (FindUpwards(start) is { } path && TryLoad(path) is { } file)
            {
                return file;
            }
        }

        return null;
    }

    public static string? FindUpwards(string startDirectory)
    {
        for (var directory = new DirectoryInfo(startDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = System.IO.Path.Combine(directory.FullName, RelativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static ClusterEnvFile? TryLoad(string path)
    {
        try
        {
            return new ClusterEnvFile(path, Parse(File.ReadAllText(path)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The assignments in <paramref name="text"/>; a key assigned twice keeps its last value, as when sourced.</summary>
    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r').TrimStart();
            if (line.StartsWith("export", StringComparison.Ordinal) && line.Length > 6 && char.IsWhiteSpace(line[6]))
            {
                line = line[6..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !IsName(line.AsSpan(0, equals)))
            {
                continue; // a comment, a blank line, or something that is not an assignment
            }

            if (TryParseValue(line.AsSpan(equals + 1), out var value))
            {
                values[line[..equals]] = value;
            }
        }

        return values;
    }

    private static bool TryParseValue(ReadOnlySpan<char> text, out string value)
    {
        var builder = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length && !char.IsWhiteSpace(text[i]))
        {
            switch (text[i])
            {
                case '\'':
                    var close = text[(i + 1)..].IndexOf('\'');
                    if (close < 0)
                    {
                        value = "";
                        return false; // unterminated: bash would refuse to source it too
                    }

                    builder.Append(text.Slice(i + 1, close));
                    i += close + 2;
                    break;
                case '"':
                    i++;
                    while (i < text.Length && text[i] != '"')
                    {
                        // Inside double quotes a backslash escapes only $ ` " \ (as in bash); elsewhere it is literal.
                        if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '$' or '`' or '"' or '\\')
                        {
                            i++;
                        }

                        builder.Append(text[i]);
                        i++;
                    }

                    if (i >= text.Length)
                    {
                        value = "";
                        return false;
                    }

                    i++; // the closing quote
                    break;
                case '\\' when i + 1 < text.Length:
                    builder.Append(text[i + 1]);
                    i += 2;
                    break;
                default:
                    builder.Append(text[i]);
                    i++;
                    break;
            }
        }

        value = builder.ToString();
        return true;
    }

    private static bool IsName(ReadOnlySpan<char> key)
    {
        if (key.IsEmpty || char.IsAsciiDigit(key[0]))
        {
            return false;
        }

        foreach (var c in key)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
