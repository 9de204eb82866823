using System.Text;
using ProxyCluster.Sql.Parsing;

namespace ProxyCluster.Sql.Tests;

public sealed class QueryBoundsTests(AnalyzerFixture fixture) : IClassFixture<AnalyzerFixture>
{
    private const int Nesting = 1_000;
    private const int Chain = 10_000;

    private readonly SqlAnalyzer _analyzer = fixture.Analyzer;

    private static string? Check(string sql) => QueryBounds.Check(Encoding.UTF8.GetBytes(sql), Nesting, Chain);

    private static string Repeat(string unit, int count) => new StringBuilder(unit.Length * count).Insert(0, unit, count).ToString();

    [Theory]
    [InlineData(100_000)]
    [InlineData(1_001)]
    public void Check_DeepParentheses_AreRejected(int depth)
    {
        Assert.Contains("nested", Check("SELECT " + Repeat("(", depth) + "1" + Repeat(")", depth)), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ParenthesesAtTheLimit_Pass()
    {
        Assert.Null(Check("SELECT " + Repeat("(", Nesting) + "1" + Repeat(")", Nesting)));
    }

    [Theory]
    [InlineData("SELECT ", "ARRAY[", "1", "]")]
    [InlineData("SELECT ", "CASE WHEN true THEN ", "1", " END")]
    public void Check_DeepBracketsAndCase_AreRejected(string prefix, string open, string middle, string close)
    {
        Assert.NotNull(Check(prefix + Repeat(open, Nesting + 1) + middle + Repeat(close, Nesting + 1)));
    }

    [Theory]
    [InlineData("+1")]
    [InlineData("::int")]
    [InlineData("||'a'")]
    [InlineData(" IS NULL")]
    [InlineData(" COLLATE \"C\"")]
    [InlineData(" AT TIME ZONE 'utc'")]
    [InlineData(" UNION SELECT 1")]
    [InlineData(" JOIN t ON true")]
    [InlineData("->'a'")]
    public void Check_LongOperatorChain_IsRejected(string unit)
    {
        Assert.Contains("chained operators", Check("SELECT 1" + Repeat(unit, Chain + 1)), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ChainJustUnderTheLimit_Passes()
    {
        Assert.Null(Check("SELECT 1" + Repeat("+1", Chain - 1)));
    }

    [Fact]
    public void Check_ChainsAddUpThroughParentheses()
    {
        // (1+1+…) + 1+1+… : the group is the left operand, so the tree depth is the sum.
        var half = Repeat("+1", Chain / 2 + 10);
        Assert.NotNull(Check("SELECT (1" + half + ")" + half));
    }

    [Fact]
    public void Check_ChainsAddUpThroughCase()
    {
        var half = Repeat("+1", Chain / 2 + 10);
        Assert.NotNull(Check("SELECT CASE WHEN true THEN 1" + half + " END" + half));
    }

    [Theory]
    [InlineData("'", "'")]
    [InlineData("E'\\'", "'")]
    [InlineData("$$", "$$")]
    [InlineData("$body$", "$body$")]
    [InlineData("\"", "\"")]
    [InlineData("/* ", " */")]
    [InlineData("U&'", "'")]
    public void Check_OperatorsInsideLiteralsAndComments_AreNotCounted(string open, string close)
    {
        Assert.Null(Check("SELECT " + open + Repeat("+1((", 20_000) + close));
    }

    [Fact]
    public void Check_OperatorsAfterLineComment_AreCounted()
    {
        Assert.NotNull(Check("SELECT 1 -- comment\n" + Repeat("+1", Chain + 1)));
    }

    [Theory]
    [InlineData("SELECT ", "1+1, ", "1")]                              // long select list
    [InlineData("INSERT INTO t VALUES ", "(-1, 'a'||'b', now() - interval '1 day'), ", "(1, 'c', now())")] // bulk insert
    [InlineData("SELECT 1 WHERE ", "a = 1 AND ", "true")]              // AND is flattened by the parser
    [InlineData("SELECT 1 WHERE ", "a = 1 OR ", "true")]
    [InlineData("SELECT CASE ", "WHEN x = 1 THEN y + 1 ", "END")]       // CASE arms are siblings
    [InlineData("SELECT 1 WHERE id IN (", "1, ", "2)")]
    public void Check_WideButShallowQueries_Pass(string prefix, string unit, string suffix)
    {
        Assert.Null(Check(prefix + Repeat(unit, 20_000) + suffix));
    }

    [Fact]
    public void Analyze_HundredThousandOpenParentheses_IsRejectedAndTheProcessSurvives()
    {
        var analysis = _analyzer.Analyze("SELECT " + Repeat("(", 100_000) + "1" + Repeat(")", 100_000));

        Assert.Equal(SqlAnalysisErrorKind.TooDeeplyNested, analysis.ErrorKind);
    }

    [Fact]
    public void Analyze_HundredThousandUnclosedParentheses_IsRejected()
    {
        Assert.Equal(SqlAnalysisErrorKind.TooDeeplyNested, _analyzer.Analyze(Repeat("(", 100_000)).ErrorKind);
    }

    [Theory]
    [InlineData("SELECT 1", "+1")]
    [InlineData("SELECT ", "1+")]
    [InlineData("SELECT 1", "::int")]
    [InlineData("SELECT 1", " UNION SELECT 1")]
    [InlineData("SELECT * FROM t", " JOIN t ON true")]
    public void Analyze_SixtyThousandChainedOperators_IsRejectedAndTheProcessSurvives(string prefix, string unit)
    {
        // 60,000 levels: past what an 8 MiB stack survives, and within the 1 MiB length limit for every unit.
        var analysis = _analyzer.Analyze(prefix + Repeat(unit, 60_000) + "1");

        Assert.Equal(SqlAnalysisErrorKind.TooDeeplyNested, analysis.ErrorKind);
    }

    [Fact]
    public void Analyze_DeepNot_IsRefusedByTheGrammarItself()
    {
        // Not counted by the pre-scan: bison's own stack limit (YYMAXDEPTH) turns it into "memory exhausted".
        var analysis = _analyzer.Analyze("SELECT " + Repeat("NOT ", 100_000) + "true");

        Assert.Equal(SqlAnalysisErrorKind.SyntaxError, analysis.ErrorKind);
        Assert.Contains("memory exhausted", analysis.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_DeepUnaryMinus_IsRejectedByThePreScan()
    {
        Assert.Equal(SqlAnalysisErrorKind.TooDeeplyNested, _analyzer.Analyze("SELECT " + Repeat("- ", 100_000) + "1").ErrorKind);
    }

    [Fact]
    public void Analyze_DeepestAllowedChain_ParsesAndWalksTheDeepTree()
    {
        var statement = _analyzer.Single("SELECT * FROM t WHERE a = 0" + Repeat("+f(1)", Chain - 10));

        Assert.Equal("t:Read", statement.Describe());
        Assert.Equal("f", statement.DescribeFunctions());
    }

    [Fact]
    public void Analyze_DeepestAllowedNesting_ParsesAndWalksTheDeepTree()
    {
        var statement = _analyzer.Single("SELECT " + Repeat("(1+", Nesting - 1) + "(SELECT 1 FROM t)" + Repeat(")", Nesting - 1));

        Assert.Equal("t:Read", statement.Describe());
    }
}
