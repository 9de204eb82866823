using ProxyCluster.Protocol.Errors;
using ProxyCluster.Sessions.Startup;

namespace ProxyCluster.Sessions.Tests.Startup;

public class StartupParameterFilterTests
{
    private static readonly KeyValuePair<string, string> Utf8 = new("client_encoding", "UTF8");

    private static List<KeyValuePair<string, string>> Parameters(params (string Name, string Value)[] pairs) =>
        [.. pairs.Select(pair => new KeyValuePair<string, string>(pair.Name, pair.Value))];

    [Fact]
    public void Filter_AllowlistedParameters_PassWithOriginalNamesAndValues()
    {
        var requested = Parameters(
            ("application_name", "billing-worker ✓"),
            ("DateStyle", "ISO, DMY"),
            ("TimeZone", "Europe/Oslo"),
            ("IntervalStyle", "iso_8601"),
            ("extra_float_digits", "3"),
            ("datestyle", "SQL")); // names are case-insensitive, as the server's GUC lookup

        var forwarded = StartupParameterFilter.Filter(requested, out var error);

        Assert.Null(error);
        Assert.Equal([.. requested, Utf8], forwarded);
    }

    [Theory]
    [InlineData("utf8")]
    [InlineData("UTF8")]
    [InlineData("UTF-8")]
    [InlineData("unicode")]
    [InlineData("UNICODE")]
    [InlineData("SQL_ASCII")]
    public void Filter_Utf8ClientEncodingSpellings_AreReplacedByExactlyOneUtf8(string encoding)
    {
        var requested = Parameters(("client_encoding", encoding), ("application_name", "psql"));

        var forwarded = StartupParameterFilter.Filter(requested, out var error);

        Assert.Null(error);
        Assert.Equal([new("application_name", "psql"), Utf8], forwarded);
    }

    [Fact]
    public void Filter_NoClientEncoding_Utf8IsStillSent()
    {
        var forwarded = StartupParameterFilter.Filter(Parameters(("user", "pct_abc"), ("database", "app")), out var error);

        Assert.Null(error);
        Assert.Equal([Utf8], forwarded);
    }

    [Theory]
    [InlineData("LATIN1")]
    [InlineData("WIN1252")]
    [InlineData("")]
    public void Filter_OtherClientEncoding_Refused22023(string encoding)
    {
        var forwarded = StartupParameterFilter.Filter(Parameters(("client_encoding", encoding)), out var error);

        Assert.Empty(forwarded);
        Assert.NotNull(error);
        Assert.Equal("FATAL", error.Severity);
        Assert.Equal(SqlState.InvalidParameterValue, error.SqlState);
        Assert.Contains($"\"{encoding}\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("options", "-c search_path=evil")]
    [InlineData("role", "postgres")]
    [InlineData("search_path", "evil, public")]
    [InlineData("session_authorization", "postgres")]
    [InlineData("replication", "database")]
    [InlineData("Options", "-c statement_timeout=0")]
    public void Filter_SessionAlteringParameter_Refused42501NamingIt(string name, string value)
    {
        var requested = Parameters(("application_name", "psql"), (name, value), ("TimeZone", "UTC"));

        var forwarded = StartupParameterFilter.Filter(requested, out var error);

        Assert.Empty(forwarded);
        Assert.NotNull(error);
        Assert.Equal("FATAL", error.Severity);
        Assert.Equal(SqlState.InsufficientPrivilege, error.SqlState);
        Assert.Contains($"\"{name}\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_UserDatabaseAndProtocolOptions_AreNeverForwarded()
    {
        var requested = Parameters(
            ("user", "pct_0123456789ab"),
            ("database", "app"),
            ("_pq_.compression", "on"),
            ("_pq_.anything", "x"),
            ("application_name", "psql"));

        var forwarded = StartupParameterFilter.Filter(requested, out var error);

        Assert.Null(error);
        Assert.Equal([new("application_name", "psql"), Utf8], forwarded);
    }
}
