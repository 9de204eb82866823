using System.Text.Json;

namespace ProxyCluster.Tokens.Tests;

public sealed class BootstrapTokenFileTests
{
    private static readonly DateTimeOffset Expiry = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void FormatLine_ThenParse_RoundTripsTheRecord()
    {
        var token = ApiToken.Mint(out _);
        var record = TokenRecord.Create(token, "demo", "reporting", ["demo", "sales"], Expiry);

        var parsed = Assert.Single(BootstrapTokenFile.Parse(BootstrapTokenFile.FormatLine(record)));

        Assert.Equal(record.Id, parsed.Id);
        Assert.Equal("demo", parsed.Principal);
        Assert.Equal("reporting", parsed.Policy);
        Assert.Equal(["demo", "sales"], parsed.Routes);
        Assert.Equal(Expiry, parsed.ExpiresAt);
        Assert.Equal(record.Secrets[0], parsed.Secrets[0]);
        Assert.Equal(record, parsed);
        Assert.True(parsed.VerifyCleartext(token, Expiry.AddDays(-1)));
    }

    [Fact]
    public void FormatLine_NoExpiryAndNoRoutes_RoundTrips()
    {
        var record = TokenRecord.Create(ApiToken.Mint(out _), "svc", TokenRecord.DefaultPolicy, [], null);

        var line = BootstrapTokenFile.FormatLine(record);
        var parsed = Assert.Single(BootstrapTokenFile.Parse(line));

        Assert.Contains("\"expires_at\":null", line, StringComparison.Ordinal);
        Assert.Contains("\"routes\":[]", line, StringComparison.Ordinal);
        Assert.Equal(record, parsed);
    }

    [Fact]
    public void FormatLine_IsOneSnakeCaseJsonLine()
    {
        var record = TokenRecord.Create(ApiToken.Mint(out _), "demo", "unrestricted", ["demo"], Expiry);

        var line = BootstrapTokenFile.FormatLine(record);

        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\r', line);
        Assert.DoesNotContain("\\u002B", line, StringComparison.Ordinal); // '+' in base64 is written as is
        using var json = JsonDocument.Parse(line);
        Assert.Equal(
            ["id", "principal", "policy", "routes", "expires_at", "scram", "sha256"],
            json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2026-12-01T00:00:00+00:00", json.RootElement.GetProperty("expires_at").GetString());
        Assert.StartsWith("SCRAM-SHA-256$4096:", json.RootElement.GetProperty("scram").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void FormatLine_NeverContainsTheToken()
    {
        for (var i = 0; i < 20; i++)
        {
            var token = ApiToken.Mint(out _);
            var line = BootstrapTokenFile.FormatLine(TokenRecord.Create(token, "demo", "unrestricted", [], null));

            Assert.DoesNotContain(token[17..60], line, StringComparison.Ordinal); // the secret
            Assert.DoesNotContain(token[17..29], line, StringComparison.Ordinal); // even a fifth of it
        }
    }

    [Fact]
    public void Parse_SkipsCommentsAndBlankLines()
    {
        var first = TokenRecord.Create(ApiToken.Mint(out _), "alice", "unrestricted", [], null);
        var second = TokenRecord.Create(ApiToken.Mint(out _), "bob", "unrestricted", ["demo"], null);
        var text = $"""
            # tokens for the demo node

            {BootstrapTokenFile.FormatLine(first)}
               # an indented comment
            {"\t"}
            {BootstrapTokenFile.FormatLine(second)}

            """;

        var parsed = BootstrapTokenFile.Parse(text);

        Assert.Equal([first, second], parsed);
    }

    [Fact]
    public void Parse_CrLfLineEnds()
    {
        var record = TokenRecord.Create(ApiToken.Mint(out _), "demo", "unrestricted", [], null);

        var parsed = BootstrapTokenFile.Parse("# windows\r\n" + BootstrapTokenFile.FormatLine(record) + "\r\n");

        Assert.Equal([record], parsed);
    }

    [Fact]
    public void Parse_Empty_NoTokens() =>
        Assert.Empty(BootstrapTokenFile.Parse("\n# nothing yet\n"));

    [Fact]
    public void Parse_PolicyAndExpiryMissing_DefaultToUnrestrictedAndNever()
    {
        var line = WithoutProperties(ValidLine(), "policy", "expires_at");

        var parsed = Assert.Single(BootstrapTokenFile.Parse(line));

        Assert.Equal(TokenRecord.DefaultPolicy, parsed.Policy);
        Assert.Null(parsed.ExpiresAt);
    }

    [Fact]
    public void Parse_MalformedLine_NamesTheLineNumber()
    {
        var text = string.Join('\n', "# header", ValidLine(), "{\"id\": \"abc123def456\",", ValidLine());

        var error = Assert.Throws<FormatException>(() => BootstrapTokenFile.Parse(text));

        Assert.StartsWith("line 3:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("routes")]
    [InlineData("id")]
    [InlineData("principal")]
    [InlineData("scram")]
    [InlineData("sha256")]
    public void Parse_RequiredPropertyMissing_Fails(string property)
    {
        var error = Assert.Throws<FormatException>(() => BootstrapTokenFile.Parse(WithoutProperties(ValidLine(), property)));

        Assert.StartsWith("line 1:", error.Message, StringComparison.Ordinal);
        Assert.Contains(property, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"route\":[\"demo\"]")] // a typo must not silently mean "every route"
    [InlineData("\"max_connections\":3")]
    public void Parse_UnknownProperty_Fails(string extra)
    {
        var line = ValidLine()[..^1] + "," + extra + "}";

        var error = Assert.Throws<FormatException>(() => BootstrapTokenFile.Parse(line));

        Assert.StartsWith("line 1:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("id", "\"ABC\"")]
    [InlineData("principal", "\"\"")]
    [InlineData("routes", "[\"demo\",null]")]
    [InlineData("routes", "\"demo\"")]
    [InlineData("expires_at", "\"next week\"")]
    [InlineData("scram", "\"md5abc\"")]
    [InlineData("sha256", "\"AAAA\"")]
    [InlineData("sha256", "\"not base64!\"")]
    public void Parse_BadValue_FailsNamingTheLine(string property, string json)
    {
        var line = WithProperty(ValidLine(), property, json);

        var error = Assert.Throws<FormatException>(() => BootstrapTokenFile.Parse("\n" + line));

        Assert.StartsWith("line 2:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RawTokenPasted_FailsWithoutRepeatingIt()
    {
        var token = ApiToken.Mint(out _);

        var error = Assert.Throws<FormatException>(() => BootstrapTokenFile.Parse("# oops\n" + token + "\n"));

        Assert.StartsWith("line 2:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token[17..], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateId_NamesBothLines()
    {
        var line = ValidLine();

        var error = Assert.Throws<FormatException>(() => BootstrapTokenFile.Parse(line + "\n\n" + line));

        Assert.StartsWith("line 3:", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ReadsTheFile_AndPrefixesErrorsWithItsPath()
    {
        var record = TokenRecord.Create(ApiToken.Mint(out _), "demo", "unrestricted", [], null);
        var path = Path.Combine(Path.GetTempPath(), $"pct-tokens-{Guid.NewGuid():N}.jsonl");
        try
        {
            File.WriteAllText(path, BootstrapTokenFile.FormatLine(record) + "\n");
            Assert.Equal([record], BootstrapTokenFile.Load(path));

            File.AppendAllText(path, "not json\n");
            var error = Assert.Throws<FormatException>(() => BootstrapTokenFile.Load(path));
            Assert.StartsWith($"{path}: line 2:", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string ValidLine() =>
        BootstrapTokenFile.FormatLine(TokenRecord.Create(ApiToken.Mint(out _), "demo", "unrestricted", ["demo"], Expiry));

    private static string WithoutProperties(string line, params string[] names)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
        foreach (var name in names)
        {
            node.Remove(name);
        }

        return node.ToJsonString();
    }

    private static string WithProperty(string line, string name, string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
        node[name] = System.Text.Json.Nodes.JsonNode.Parse(json);
        return node.ToJsonString();
    }
}
