using System.Diagnostics;
using System.Globalization;

namespace ProxyCluster.Sql.Tests;

/// <summary>
/// What actually kills the process, measured in child processes (this test host must survive): libpg_query on
/// a deep enough tree overflows its native stack and the process dies. These tests pin the numbers the
/// defaults rest on (see <c>QueryBounds</c>): an 8 MiB stack dies on 100,000 chained operators, the default
/// 256 MiB stack survives a full 1 MiB of the densest chain even with the pre-scan switched off, and with the
/// pre-scan on even an 8 MiB stack is safe. (Measured the same way: 192 MiB is not enough for that 1 MiB chain,
/// which needs ~194 MB to normalize.)
/// </summary>
public sealed class ParserCrashProbeTests
{
    private const int MaxQueryLength = 1 << 20;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void Probe_OperatorChainWithoutBounds_CrashesAnEightMegabyteStack()
    {
        var (exitCode, output) = RunProbe(stackMiB: 8, "chain", 100_000, "unbounded");

        Assert.NotEqual(0, exitCode);
        Assert.DoesNotContain("survived", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Probe_LongestOperatorChainWithoutBounds_SurvivesTheDefaultStack()
    {
        var defaultStackMiB = new SqlAnalyzerOptions().ParserStackSize >> 20;
        var count = (MaxQueryLength - "SELECT 1".Length) / 2; // 524,284 levels: the whole 1 MiB budget

        // libpg_query only (parse to 77 MB of JSON, normalize, fingerprint): the managed side is iterative and
        // not at risk, and building its tree for 500,000 levels would only make this test slow.
        var (exitCode, output) = RunProbe(defaultStackMiB, "chain", count, "native");

        Assert.Equal(0, exitCode);
        Assert.Contains("survived: native parse", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("chain", 100_000)]
    [InlineData("chain", 9_999)]   // just under the default chain bound: parses fine even on 8 MiB
    [InlineData("parens", 100_000)]
    public void Probe_PathologicalInputWithDefaultBounds_SurvivesEvenAnEightMegabyteStack(string shape, int count)
    {
        var (exitCode, output) = RunProbe(stackMiB: 8, shape, count, "bounded");

        Assert.Equal(0, exitCode);
        Assert.Contains("survived", output, StringComparison.Ordinal);
    }

    private static (int ExitCode, string Output) RunProbe(int stackMiB, string shape, int count, string bounds)
    {
        var assembly = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "exec", assembly, "probe", stackMiB.ToString(CultureInfo.InvariantCulture), shape, count.ToString(CultureInfo.InvariantCulture), bounds })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"probe {shape} {count} did not finish within {Timeout}");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}
