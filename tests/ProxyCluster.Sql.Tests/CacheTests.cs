using System.Text;

namespace ProxyCluster.Sql.Tests;

public sealed class CacheTests
{
    [Fact]
    public void Analyze_RepeatedQuery_ReturnsTheCachedInstance()
    {
        using var analyzer = new SqlAnalyzer(new SqlAnalyzerOptions { ParserThreads = 1 });

        var first = analyzer.Analyze("SELECT * FROM users WHERE id = $1");
        var second = analyzer.Analyze("SELECT * FROM users WHERE id = $1");
        var viaBytes = analyzer.Analyze(Encoding.UTF8.GetBytes("SELECT * FROM users WHERE id = $1"));

        Assert.Same(first, second);
        Assert.Same(first, viaBytes);
        Assert.Equal(1, analyzer.CachedCount);
    }

    [Fact]
    public void Analyze_RepeatedSyntaxError_IsCachedToo()
    {
        using var analyzer = new SqlAnalyzer(new SqlAnalyzerOptions { ParserThreads = 1 });

        Assert.Same(analyzer.Analyze("SELEC 1"), analyzer.Analyze("SELEC 1"));
    }

    [Fact]
    public void Analyze_ManyDistinctQueries_StayWithinCapacity()
    {
        using var analyzer = new SqlAnalyzer(new SqlAnalyzerOptions { ParserThreads = 1, CacheCapacity = 10 });

        for (var i = 0; i < 200; i++)
        {
            analyzer.Analyze($"SELECT {i} FROM t{i}");
            Assert.InRange(analyzer.CachedCount, 0, 10);
        }
    }

    [Fact]
    public void Analyze_HotQuery_SurvivesEvictionOfColdOnes()
    {
        using var analyzer = new SqlAnalyzer(new SqlAnalyzerOptions { ParserThreads = 1, CacheCapacity = 10 });
        var hot = analyzer.Analyze("SELECT * FROM hot");

        for (var i = 0; i < 100; i++)
        {
            analyzer.Analyze($"SELECT {i} FROM cold{i}");
            Assert.Same(hot, analyzer.Analyze("SELECT * FROM hot"));
        }
    }

    [Fact]
    public void Analyze_LargeQueries_StayWithinTheCharacterBudget()
    {
        using var analyzer = new SqlAnalyzer(new SqlAnalyzerOptions { ParserThreads = 1, CacheMaxTotalChars = 20_000 });
        var padding = new string('x', 2_000);

        for (var i = 0; i < 50; i++)
        {
            analyzer.Analyze($"SELECT '{padding}' FROM t{i}");
        }

        Assert.InRange(analyzer.CachedCount, 1, 10);
    }

    [Fact]
    public void Analyze_QueryLongerThanTheCacheableLength_IsNotCached()
    {
        using var analyzer = new SqlAnalyzer(new SqlAnalyzerOptions { ParserThreads = 1, MaxCachedQueryLength = 100 });
        var query = "SELECT '" + new string('x', 200) + "'";

        var first = analyzer.Analyze(query);
        var second = analyzer.Analyze(query);

        Assert.NotSame(first, second);
        Assert.Equal(first.NormalizedQuery, second.NormalizedQuery);
        Assert.Equal(0, analyzer.CachedCount);
    }

    [Fact]
    public void Analyze_CacheDisabled_StillAnalyses()
    {
        using var analyzer = new SqlAnalyzer(new SqlAnalyzerOptions { ParserThreads = 1, CacheCapacity = 0 });

        Assert.True(analyzer.Analyze("SELECT 1").Succeeded);
        Assert.Equal(0, analyzer.CachedCount);
    }
}
