namespace ProxyCluster.Cli.Tests;

/// <summary>
/// A hermetic <see cref="CliEnvironment"/>: its own variables, a fresh working directory and "binary directory" under
/// the temp folder (so no real cluster.env is ever found), a fixed clock.
/// </summary>
internal sealed class TestEnvironment : IDisposable
{
    public static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public TestEnvironment()
    {
        Root = Directory.CreateTempSubdirectory("proxyctl-tests-").FullName;
        WorkingDirectory = Directory.CreateDirectory(Path.Combine(Root, "work", "deep", "inside")).FullName;
        BinaryDirectory = Directory.CreateDirectory(Path.Combine(Root, "install", "bin")).FullName;
    }

    public string Root { get; }

    public string WorkingDirectory { get; }

    public string BinaryDirectory { get; }

    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    public CliEnvironment Environment =>
        new(name => Variables.GetValueOrDefault(name), WorkingDirectory, BinaryDirectory, new FixedTime(Now));

    /// <summary>Writes <c>cluster-config/.run/cluster.env</c> under <paramref name="checkoutRoot"/>; returns its path.</summary>
    public static string WriteClusterEnv(string checkoutRoot, string text)
    {
        var path = Path.Combine(checkoutRoot, "cluster-config", ".run", "cluster.env");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public string WriteFile(string name, string text)
    {
        var path = Path.Combine(Root, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Runs proxyctl with <paramref name="args"/>; its exit code and what it wrote.</summary>
    public async Task<CliRun> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await ProxyCtl.RunAsync(args, Environment, output, error);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}--- stderr\n{Error}";
}
