namespace ProxyCluster.Policy.Tests;

[Collection(PolicyCollection.Name)]
public sealed class DocumentLoadingTests(PolicyFixture fixture)
{
    private const string Yaml = """
        # orders service
        name: orders-service
        description: writes orders, reads users
        allow:
          - name: write-orders
            statements: [insert, update]
            tables: [public.orders]
            functions: [nextval]
          - id: read-users
            statements: select
            tables: ["public.users", "audit.*"]
        deny:
          - name: no-audit-log
            statements: [all]
            tables: [audit.log]
        settings:
          search_path: [public]
          allow_set: [app.tenant_id]
          allow_temp_tables: false
          allow_catalog_reads: true
        """;

    private const string Json = """
        {
          // orders service
          "name": "orders-service",
          "description": "writes orders, reads users",
          "allow": [
            { "name": "write-orders", "statements": ["insert", "update"], "tables": ["public.orders"], "functions": ["nextval"] },
            { "id": "read-users", "statements": "select", "tables": ["public.users", "audit.*"] }
          ],
          "deny": [
            { "name": "no-audit-log", "statements": ["all"], "tables": ["audit.log"] }
          ],
          "settings": {
            "search_path": ["public"],
            "allow_set": ["app.tenant_id"],
            "allow_temp_tables": false,
            "allow_catalog_reads": true
          }
        }
        """;

    private static readonly string[] Queries =
    [
        "INSERT INTO orders VALUES (nextval('orders_id_seq'))",
        "UPDATE orders SET total = 1",
        "DELETE FROM orders",
        "SELECT * FROM users",
        "SELECT * FROM audit.events",
        "SELECT * FROM audit.log",
        "SET app.tenant_id = '7'",
        "SET app.other = '7'",
        "CREATE TEMP TABLE x (id int)",
        "SELECT * FROM pg_class",
    ];

    [Fact]
    public void Parse_YamlAndJson_ReadTheSameDocument()
    {
        var yaml = PolicyDocument.Parse(Yaml);
        var json = PolicyDocument.Parse(Json);

        Assert.Equal(Describe(yaml), Describe(json));
        Assert.Equal("orders-service", yaml.Name);
        Assert.Equal("read-users", yaml.Allow[1].Name);
        Assert.Equal(["select"], yaml.Allow[1].Statements);
        Assert.Equal(["app.tenant_id"], yaml.Settings.AllowSet);
    }

    [Fact]
    public void Compile_YamlAndJson_DecideAlike()
    {
        var yaml = SqlPolicy.Compile(PolicyDocument.Parse(Yaml));
        var json = SqlPolicy.Compile(PolicyDocument.Parse(Json));

        foreach (var query in Queries)
        {
            var analysis = fixture.Analyzer.Analyze(query);
            var fromYaml = yaml.Evaluate(analysis);
            var fromJson = json.Evaluate(analysis);
            Assert.Equal((fromYaml.Allowed, fromYaml.Rule, fromYaml.Reason), (fromJson.Allowed, fromJson.Rule, fromJson.Reason));
        }

        Assert.True(yaml.Evaluate(fixture.Analyzer.Analyze("SET app.tenant_id = '7'")).Allowed);
        Assert.False(yaml.Evaluate(fixture.Analyzer.Analyze("SELECT * FROM audit.log")).Allowed);
    }

    [Fact]
    public void Parse_YamlFlowStyle_IsReadAsYaml()
    {
        var document = PolicyDocument.Parse("{name: flow, allow: [{statements: [select], tables: ['*']}]}");

        Assert.Equal("flow", document.Name);
        Assert.Equal(["*"], document.Allow[0].Tables);
    }

    [Fact]
    public void Parse_MaxConnectionsPerNode_IsReadFromYamlAndJson_AndAbsentMeansNoLimit()
    {
        Assert.Equal(3, SqlPolicy.Compile(PolicyDocument.Parse("name: x\nsettings:\n  max_connections_per_node: 3\n")).MaxConnectionsPerNode);
        Assert.Equal(5, SqlPolicy.Compile(PolicyDocument.Parse("{\"name\": \"x\", \"settings\": {\"max_connections_per_node\": 5}}")).MaxConnectionsPerNode);
        Assert.Null(SqlPolicy.Compile(PolicyDocument.Parse(Yaml)).MaxConnectionsPerNode);
        Assert.Null(SqlPolicy.Unrestricted.MaxConnectionsPerNode);
    }

    [Theory]
    [InlineData("name: x\nalow:\n  - statements: [select]\n    tables: [users]\n", "unknown key \"alow\"", "line 2")]
    [InlineData("name: x\nallow:\n  - statements: [select]\n    tabels: [users]\n", "allow[0] has an unknown key \"tabels\"", "line 4")]
    [InlineData("name: x\nsettings:\n  allow_temp_table: true\n", "settings has an unknown key \"allow_temp_table\"", "line 3")]
    [InlineData("name: x\ndeny:\n  - statements: [select]\n    table: [users]\n", "unknown key \"table\"", "deny[0]")]
    [InlineData("{\"name\": \"x\", \"allow\": [{\"statements\": [\"select\"], \"tabels\": [\"users\"]}]}", "unknown key \"tabels\"", "line 1")]
    [InlineData("{\"name\": \"x\",\n \"Settings\": {}}", "unknown key \"Settings\"", "line 2")]
    public void Parse_UnknownKey_IsRejectedWithItsPosition(string text, string message, string position)
    {
        var ex = Assert.Throws<PolicyLoadException>(() => PolicyDocument.Parse(text));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Contains(position, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name: x\nname: y\n", "duplicate key")]
    [InlineData("{\"name\": \"x\", \"name\": \"y\"}", "duplicate key \"name\"")]
    [InlineData("name: x\nsettings:\n  allow_temp_tables: yes\n", "must be true or false")]
    [InlineData("name: x\nsettings:\n  allow_temp_tables: \"true\"\n", "must be true or false")]
    [InlineData("{\"name\": \"x\", \"settings\": {\"allow_temp_tables\": 1}}", "must be true or false, not a number")]
    [InlineData("name: x\nsettings:\n  max_connections_per_node: 0\n", "max_connections_per_node must be a whole number of at least 1, not")]
    [InlineData("name: x\nsettings:\n  max_connections_per_node: 2.5\n", "must be a whole number of at least 1")]
    [InlineData("name: x\nsettings:\n  max_connections_per_node: \"3\"\n", "must be a whole number of at least 1")]
    [InlineData("{\"name\": \"x\", \"settings\": {\"max_connections_per_node\": -1}}", "must be a whole number of at least 1")]
    [InlineData("name: x\nallow: select\n", "must be a list of rules")]
    [InlineData("name: x\nallow:\n  - statements: {select: true}\n", "must be a list of strings")]
    [InlineData("name: [x]\n", "name must be a string")]
    [InlineData("- just\n- a list\n", "must be a mapping")]
    [InlineData("name: x\n---\nname: y\n", "exactly one YAML document")]
    [InlineData("name: x\nallow:\n  - statements: [select]\n    tables: [*]\n", "not valid YAML")]
    [InlineData("", "empty")]
    [InlineData("{\"name\": \"x\", \"allow\": [}", "not valid JSON")]
    [InlineData("allow: []\n", "needs a \"name\"")]
    [InlineData("name: x\nallow:\n  - name: a\n    id: b\n    statements: [select]\n    tables: ['*']\n", "both \"name\" and \"id\"")]
    public void Parse_MalformedDocument_IsRejected(string text, string message)
    {
        var ex = Assert.Throws<PolicyLoadException>(() => PolicyDocument.Parse(text));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("allow:\n  - statements: [selct]\n    tables: [users]\n", "unknown statement keyword \"selct\"")]
    [InlineData("allow:\n  - statements: [select]\n", "has no \"tables\"")]
    [InlineData("allow:\n  - statements: [all]\n", "has no \"tables\"")]
    [InlineData("allow:\n  - statements: [select, do]\n    tables: [users]\n", "do are not about tables")]
    [InlineData("deny:\n  - statements: [set_role]\n    tables: [users]\n", "set_role are not about tables")]
    [InlineData("allow:\n  - statements: [select]\n    tables: []\n", "\"tables\" is empty")]
    [InlineData("allow:\n  - statements: [select]\n    tables: [public. users]\n", "not an identifier")]
    [InlineData("allow:\n  - statements: [select]\n    tables: [\"*.users\"]\n", "* as the schema")]
    [InlineData("allow:\n  - statements: [select]\n    tables: [a.b.c]\n", "more than two parts")]
    [InlineData("allow:\n  - statements: [select]\n    tables: ['public.\"users']\n", "unterminated quoted identifier")]
    [InlineData("allow:\n  - name: r\n", "names no statements and no functions")]
    [InlineData("allow:\n  - name: r\n    statements: [listen]\n  - name: r\n    statements: [notify]\n", "another rule has the same name")]
    [InlineData("allow:\n  - functions: [\"public.\"]\n", "ends with a dot")]
    [InlineData("settings:\n  search_path: ['$user', public]\n", "$user")]
    [InlineData("settings:\n  search_path: [pg_catalog, public]\n", "leave out \"pg_catalog\"")]
    [InlineData("settings:\n  search_path: []\n", "at least one schema")]
    [InlineData("settings:\n  search_path: [public, public]\n", "listed twice")]
    [InlineData("settings:\n  allow_set: [search_path]\n", "pinned by the route")]
    [InlineData("settings:\n  allow_set: [client_encoding]\n", "pinned by the route")]
    [InlineData("settings:\n  allow_set: [role]\n", "use the statement keyword set_role")]
    [InlineData("settings:\n  allow_set: ['work mem;']\n", "is not a setting name")]
    public void Compile_MeaninglessDocument_IsRejected(string body, string message)
    {
        var document = PolicyDocument.Parse("name: broken\n" + body);

        var ex = Assert.Throws<PolicyLoadException>(() => SqlPolicy.Compile(document));

        Assert.Contains("policy \"broken\" is not valid", ex.Message, StringComparison.Ordinal);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_SeveralProblems_AreAllReported()
    {
        var document = PolicyDocument.Parse("""
            name: many
            allow:
              - statements: [selct]
                tables: [users]
              - statements: [insert]
            settings:
              allow_set: [search_path]
            """);

        var ex = Assert.Throws<PolicyLoadException>(() => SqlPolicy.Compile(document));

        Assert.Contains("allow[0]: unknown statement keyword \"selct\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("allow[1]: allows statements on tables but has no \"tables\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("settings.allow_set: \"search_path\"", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("-leading-dash")]
    [InlineData("slash/name")]
    public void Compile_InvalidPolicyName_IsRejected(string name)
    {
        var ex = Assert.Throws<PolicyLoadException>(() => SqlPolicy.Compile(new PolicyDocument { Name = name }));

        Assert.Contains("must be 1-64 letters", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_DenyRule_WinsOverAllowRule()
    {
        var policy = SqlPolicy.Compile(PolicyDocument.Parse("""
            name: deny-wins
            allow:
              - name: everything
                statements: [select, update]
                tables: ["*"]
            deny:
              - name: frozen
                statements: [update]
                tables: [public.ledger]
            """));

        var read = policy.Evaluate(fixture.Analyzer.Analyze("SELECT * FROM ledger"));
        var write = policy.Evaluate(fixture.Analyzer.Analyze("UPDATE ledger SET amount = 0"));
        var other = policy.Evaluate(fixture.Analyzer.Analyze("UPDATE accounts SET amount = 0"));

        Assert.True(read.Allowed);
        Assert.Equal("everything", read.Rule);
        Assert.False(write.Allowed);
        Assert.Equal("frozen", write.Rule);
        Assert.Equal("policy \"deny-wins\" denies UPDATE on table public.ledger (rule \"frozen\")", write.Reason);
        Assert.True(other.Allowed);
    }

    [Fact]
    public void Evaluate_DenyRuleWithoutTables_CoversEverything()
    {
        var policy = SqlPolicy.Compile(PolicyDocument.Parse("""
            name: no-set
            allow:
              - statements: [select]
                tables: ["*"]
            deny:
              - name: no-settings
                statements: [set]
            """));

        var decision = policy.Evaluate(fixture.Analyzer.Analyze("SET application_name = 'x'"));

        Assert.False(decision.Allowed);
        Assert.Equal("no-settings", decision.Rule);
    }

    [Fact]
    public void Evaluate_RuleWithoutName_IsNamedByItsPosition()
    {
        var policy = SqlPolicy.Compile(PolicyDocument.Parse("""
            name: anonymous
            allow:
              - statements: [select]
                tables: [users]
            deny:
              - statements: [select]
                tables: [public.secrets]
            """));

        Assert.Equal("allow[0]", policy.Evaluate(fixture.Analyzer.Analyze("SELECT * FROM users")).Rule);
        Assert.Equal("deny[0]", policy.Evaluate(fixture.Analyzer.Analyze("SELECT * FROM secrets")).Rule);
    }

    [Fact]
    public void Compile_QuotedAndUnicodeNames_FollowPostgresIdentifierRules()
    {
        var policy = SqlPolicy.Compile(PolicyDocument.Parse("""
            name: identifiers
            allow:
              - statements: [select]
                tables: ['"My Schema"."Mixed"', PUBLIC.Upper, 'public."a""b"', public.übersicht]
            settings:
              search_path: [public, '"My Schema"']
            """));

        Assert.True(policy.Evaluate(fixture.Analyzer.Analyze("SELECT * FROM \"My Schema\".\"Mixed\"")).Allowed);
        Assert.True(policy.Evaluate(fixture.Analyzer.Analyze("SELECT * FROM public.upper")).Allowed);
        Assert.True(policy.Evaluate(fixture.Analyzer.Analyze("SELECT * FROM public.\"a\"\"b\"")).Allowed);
        Assert.True(policy.Evaluate(fixture.Analyzer.Analyze("SELECT * FROM public.übersicht")).Allowed);
        Assert.False(policy.Evaluate(fixture.Analyzer.Analyze("SELECT * FROM \"My Schema\".mixed")).Allowed);
        Assert.Equal("public, \"My Schema\"", policy.SearchPathSetting);
    }

    [Fact]
    public void Compile_LongIdentifier_IsTruncatedLikePostgres()
    {
        var longName = new string('t', 70);
        var policy = SqlPolicy.Compile(PolicyDocument.Parse($"name: long\nallow:\n  - statements: [select]\n    tables: [public.{longName}]\n"));

        // PostgreSQL cuts identifiers to 63 bytes, so a 63-character prefix names the same table.
        Assert.True(policy.Evaluate(fixture.Analyzer.Analyze($"SELECT * FROM {new string('t', 63)}")).Allowed);
    }

    [Fact]
    public void Load_File_DefaultsTheNameToTheFileName()
    {
        var path = Path.Combine(Path.GetTempPath(), $"policy-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "allow:\n  - statements: [select]\n    tables: [users]\n");
        try
        {
            var document = PolicyDocument.Load(path);

            Assert.Equal(Path.GetFileNameWithoutExtension(path), document.Name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_MissingFile_IsALoadError()
    {
        var ex = Assert.Throws<PolicyLoadException>(() => PolicyDocument.Load("/nonexistent/policy.yaml"));

        Assert.Contains("/nonexistent/policy.yaml", ex.Message, StringComparison.Ordinal);
    }

    private static string Describe(PolicyDocument document) =>
        string.Join(
            " | ",
            [
                document.Name,
                document.Description ?? "-",
                string.Join(";", document.Allow.Select(DescribeRule)),
                string.Join(";", document.Deny.Select(DescribeRule)),
                string.Join(",", document.Settings.SearchPath),
                string.Join(",", document.Settings.AllowSet),
                document.Settings.AllowTempTables.ToString(),
                document.Settings.AllowCatalogReads.ToString(),
            ]);

    private static string DescribeRule(PolicyRule rule) =>
        $"{rule.Name}:{string.Join(",", rule.Statements)}:{(rule.Tables is null ? "-" : string.Join(",", rule.Tables))}:{string.Join(",", rule.Functions)}";
}
