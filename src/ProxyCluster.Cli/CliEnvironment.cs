namespace ProxyCluster.Cli;

/// <summary>
/// What proxyctl reads from the process around it: environment variables, the working directory, where its own
/// binary lives, the clock. Tests pass their own; <see cref="FromProcess"/> is the real one.
/// </summary>
internal sealed record CliEnvironment(
    Func<string, string?> GetVariable,
    string CurrentDirectory,
    string BaseDirectory,
    TimeProvider Time)
{
    public static CliEnvironment FromProcess() =>
        new(Environment.GetEnvironmentVariable, Environment.CurrentDirectory, AppContext.BaseDirectory, TimeProvider.System);

    /// <summary>A variable's value, or null when it is unset or only whitespace.</summary>
    public string? GetNonEmpty(string name) => GetVariable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>A path as the user typed it, made absolute against <see cref="CurrentDirectory"/>.</summary>
    public string FullPath(string path) => Path.GetFullPath(path, CurrentDirectory);
}
