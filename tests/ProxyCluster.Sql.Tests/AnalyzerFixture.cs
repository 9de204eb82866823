namespace ProxyCluster.Sql.Tests;

/// <summary>One analyzer (and its parser threads) per test class.</summary>
public sealed class AnalyzerFixture : IDisposable
{
    public SqlAnalyzer Analyzer { get; } = new();

    public void Dispose() => Analyzer.Dispose();
}

internal static class AnalysisAssert
{
    /// <summary>Analyses a query that must succeed and contain exactly one statement.</summary>
    public static StatementAnalysis Single(this SqlAnalyzer analyzer, string sql)
    {
        var analysis = analyzer.Analyze(sql);
        Assert.True(analysis.Succeeded, analysis.Error);
        return Assert.Single(analysis.Statements);
    }

    /// <summary>"schema.name:Access|Access …" sorted, so tests state the whole expectation in one string.</summary>
    public static string Describe(this StatementAnalysis statement) =>
        string.Join(' ', statement.Relations
            .Select(r => $"{(r.Schema is null ? r.Name : r.Schema + "." + r.Name)}:{r.Access.ToString().Replace(", ", "|", StringComparison.Ordinal)}")
            .Order(StringComparer.Ordinal));

    public static string DescribeFunctions(this StatementAnalysis statement) =>
        string.Join(' ', statement.Functions.Select(f => f.ToString()).Order(StringComparer.Ordinal));
}
