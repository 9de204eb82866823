using System.Globalization;
using System.Text;
using ProxyCluster.Sql.Parsing;

namespace ProxyCluster.Sql.Tests;

/// <summary>
/// Entry point for the child processes of <see cref="ParserCrashProbeTests"/>: under the test host this is never
/// called. <c>probe &lt;stackMiB&gt; &lt;shape&gt; &lt;count&gt; &lt;bounded|unbounded|native&gt;</c> builds a pathological
/// query, analyses it with the given parser stack and prints one line if the process is still alive.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length != 5 || args[0] != "probe")
        {
            Console.Error.WriteLine("usage: probe <stackMiB> <chain|parens> <count> <bounded|unbounded|native>");
            return 2;
        }

        var stackMiB = int.Parse(args[1], CultureInfo.InvariantCulture);
        var count = int.Parse(args[3], CultureInfo.InvariantCulture);
        var query = BuildQuery(args[2], count);
        if (args[4] == "native")
        {
            return RunNative(stackMiB, query);
        }

        var options = new SqlAnalyzerOptions
        {
            ParserThreads = 1,
            ParserStackSize = stackMiB << 20,
            CacheCapacity = 0,
            MaxQueryLength = Math.Max(query.Length, new SqlAnalyzerOptions().MaxQueryLength),
        };
        if (args[4] == "unbounded")
        {
            options = options with { MaxNestingDepth = int.MaxValue, MaxExpressionDepth = int.MaxValue };
        }

        using var analyzer = new SqlAnalyzer(options);
        var analysis = analyzer.Analyze(query);
        Console.WriteLine(analysis.Succeeded
            ? $"survived: {analysis.Statements.Count} statement(s), {query.Length} bytes"
            : $"survived: {analysis.ErrorKind}: {analysis.Error}");
        return 0;
    }

    /// <summary>Only the libpg_query calls (parse to JSON, normalize, fingerprint) on one parser thread, no pre-scan.</summary>
    private static int RunNative(int stackMiB, string query)
    {
        var input = Encoding.UTF8.GetBytes(query + "\0");
        using var parsers = new ParserThreadPool(1, stackMiB << 20);
        var output = parsers.Parse(input);
        Console.WriteLine(output.Error is null
            ? $"survived: native parse, {output.Json!.Length} bytes of JSON, normalized and fingerprinted"
            : $"survived: native error: {output.Error}");
        return 0;
    }

    /// <summary><c>chain</c>: <c>SELECT 1+1+…</c>, the densest left-deep tree (2 bytes per level); <c>parens</c>: nested parentheses.</summary>
    public static string BuildQuery(string shape, int count) => shape switch
    {
        "chain" => new StringBuilder("SELECT 1", 8 + 2 * count).Insert(8, "+1", count).ToString(),
        "parens" => "SELECT " + new string('(', count) + "1" + new string(')', count),
        _ => throw new ArgumentException($"unknown shape {shape}", nameof(shape)),
    };
}
