using System.Text;

namespace ProxyCluster.Sql.Tests;

/// <summary>Bad input is an analysis with an error, never an exception or a crash.</summary>
public sealed class ErrorTests(AnalyzerFixture fixture) : IClassFixture<AnalyzerFixture>
{
    private readonly SqlAnalyzer _analyzer = fixture.Analyzer;

    [Theory]
    [InlineData("SELEC 1")]
    [InlineData("SELECT * FROM")]
    [InlineData("SELECT 'unterminated")]
    [InlineData("SELECT \"unterminated")]
    [InlineData("SELECT $$unterminated")]
    [InlineData("SELECT /* unterminated")]
    [InlineData("SELECT (1")]
    [InlineData("SELECT 1)")]
    [InlineData("DROP TABLE")]
    [InlineData(")))(((")]
    [InlineData("\u00ff\u00fe garbage \u2603")]
    [InlineData("SELECT 1; SELEC 2")]
    public void Analyze_Garbage_IsASyntaxError(string sql)
    {
        var analysis = _analyzer.Analyze(sql);

        Assert.False(analysis.Succeeded);
        Assert.Equal(SqlAnalysisErrorKind.SyntaxError, analysis.ErrorKind);
        Assert.False(string.IsNullOrEmpty(analysis.Error));
        Assert.Empty(analysis.Statements);
        Assert.Null(analysis.NormalizedQuery);
    }

    [Fact]
    public void Analyze_SyntaxError_ReportsPositionInCharacters()
    {
        var analysis = _analyzer.Analyze("SELECT 'é' FROM WHERE");

        Assert.Equal("syntax error at or near \"WHERE\"", analysis.Error);
        Assert.Equal(17, analysis.ErrorPosition); // 1-based characters, as the server reports it (bytes would say 18)
    }

    [Theory]
    [InlineData(new byte[] { 0x53, 0x45, 0x4c, 0x45, 0x43, 0x54, 0x20, 0x27, 0xff, 0x27 })]          // 0xFF never occurs in UTF-8
    [InlineData(new byte[] { 0x53, 0x45, 0x4c, 0x45, 0x43, 0x54, 0x20, 0x27, 0xc0, 0xa7, 0x27 })]    // overlong encoding of '
    [InlineData(new byte[] { 0x53, 0x45, 0x4c, 0x45, 0x43, 0x54, 0x20, 0x27, 0xed, 0xa0, 0x80, 0x27 })] // encoded surrogate
    [InlineData(new byte[] { 0x53, 0x45, 0x4c, 0x45, 0x43, 0x54, 0x20, 0x27, 0xe2, 0x82 })]          // truncated sequence
    public void Analyze_InvalidUtf8Bytes_IsAnEncodingError(byte[] query)
    {
        var analysis = _analyzer.Analyze(query);

        Assert.Equal(SqlAnalysisErrorKind.InvalidEncoding, analysis.ErrorKind);
        Assert.Empty(analysis.Statements);
    }

    [Fact]
    public void Analyze_ValidUtf8Bytes_AreAnalysed()
    {
        var analysis = _analyzer.Analyze(Encoding.UTF8.GetBytes("SELECT * FROM \"Größe\""));

        Assert.True(analysis.Succeeded, analysis.Error);
        Assert.Equal("Größe:Read", Assert.Single(analysis.Statements).Describe());
    }

    [Fact]
    public void Analyze_EmbeddedNul_IsAnEncodingError()
    {
        // A C string would end at the NUL and the parser would never see the DROP.
        Assert.Equal(SqlAnalysisErrorKind.InvalidEncoding, _analyzer.Analyze("SELECT 1\0; DROP TABLE users").ErrorKind);
        Assert.Equal(SqlAnalysisErrorKind.InvalidEncoding, _analyzer.Analyze("SELECT 1\0; DROP TABLE users"u8).ErrorKind);
    }

    [Fact]
    public void Analyze_UnpairedSurrogate_IsAnEncodingError()
    {
        Assert.Equal(SqlAnalysisErrorKind.InvalidEncoding, _analyzer.Analyze("SELECT '\ud800'").ErrorKind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(";")]
    [InlineData(";;;")]
    [InlineData("-- nothing but a comment")]
    [InlineData("/* nothing */")]
    public void Analyze_EmptyQuery_SucceedsWithNoStatements(string sql)
    {
        var analysis = _analyzer.Analyze(sql);

        Assert.True(analysis.Succeeded, analysis.Error);
        Assert.Empty(analysis.Statements);
    }

    [Fact]
    public void Analyze_LongerThanTheLimit_IsRejectedBeforeParsing()
    {
        using var analyzer = new SqlAnalyzer(new SqlAnalyzerOptions { MaxQueryLength = 64, ParserThreads = 1 });
        var query = "SELECT '" + new string('x', 100) + "'";

        var analysis = analyzer.Analyze(query);

        Assert.Equal(SqlAnalysisErrorKind.QueryTooLong, analysis.ErrorKind);
        Assert.Equal(SqlAnalysisErrorKind.QueryTooLong, analyzer.Analyze(Encoding.UTF8.GetBytes(query)).ErrorKind);
        Assert.True(analyzer.Analyze("SELECT 1").Succeeded);
    }

    [Fact]
    public void Analyze_MultiByteTextOverTheByteLimit_IsRejected()
    {
        using var analyzer = new SqlAnalyzer(new SqlAnalyzerOptions { MaxQueryLength = 64, ParserThreads = 1 });

        var analysis = analyzer.Analyze("SELECT '" + new string('€', 30) + "'"); // 40 chars, 100 bytes

        Assert.Equal(SqlAnalysisErrorKind.QueryTooLong, analysis.ErrorKind);
    }

    [Fact]
    public void Analyze_AfterDispose_Throws()
    {
        var analyzer = new SqlAnalyzer(new SqlAnalyzerOptions { ParserThreads = 1 });
        analyzer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => analyzer.Analyze("SELECT 1"));
    }
}
