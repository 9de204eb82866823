namespace ProxyCluster.Sql.Tests;

public sealed class ConcurrencyTests
{
    private static readonly string[] Queries =
    [
        "SELECT * FROM users WHERE id = 1",
        "WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x",
        "INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = excluded.a",
        "UPDATE t SET a = s.a FROM s WHERE t.id = s.id",
        "SELECT pg_read_file('x')",
        "SET LOCAL search_path = evil",
        "SELEC garbage",
        "SELECT 1; DROP TABLE users",
        "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE",
        "SELECT * FROM a JOIN b ON true FOR UPDATE",
        "COPY t FROM PROGRAM 'id'",
        "WITH users AS (SELECT 1) SELECT * FROM users",
    ];

    [Fact]
    public async Task Analyze_FromManyThreads_GivesTheSameAnswersAsOneThread()
    {
        // A tiny cache forces constant eviction, so threads race on parsing, caching and evicting.
        using var analyzer = new SqlAnalyzer(new SqlAnalyzerOptions { ParserThreads = 2, CacheCapacity = 3 });
        var expected = Queries.Select(q => Describe(analyzer.Analyze(q))).ToArray();

        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 300; i++)
            {
                var index = (i * 7 + worker) % Queries.Length;
                Assert.Equal(expected[index], Describe(analyzer.Analyze(Queries[index])));
            }
        }));

        await Task.WhenAll(workers);
    }

    [Fact]
    public async Task AnalyzeAsync_ConcurrentCalls_MatchTheSynchronousAnswer()
    {
        using var analyzer = new SqlAnalyzer(new SqlAnalyzerOptions { ParserThreads = 2, CacheCapacity = 0 });
        var expected = Queries.Select(q => Describe(analyzer.Analyze(q))).ToArray();

        var results = await Task.WhenAll(
            Enumerable.Range(0, 200).Select(async i => (i, Describe(await analyzer.AnalyzeAsync(Queries[i % Queries.Length])))));

        foreach (var (i, description) in results)
        {
            Assert.Equal(expected[i % Queries.Length], description);
        }
    }

    private static string Describe(SqlAnalysis analysis) =>
        analysis.Succeeded
            ? string.Join(" / ", analysis.Statements.Select(s => $"{s.Kind} {s.Describe()} {s.DescribeFunctions()} {s.SettingName}"))
              + " | " + analysis.NormalizedQuery + " | " + analysis.Fingerprint
            : $"{analysis.ErrorKind}: {analysis.Error}";
}
