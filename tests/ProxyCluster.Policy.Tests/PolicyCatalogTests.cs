namespace ProxyCluster.Policy.Tests;

public sealed class PolicyCatalogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("policy-catalog-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void BuiltIn_HasUnrestrictedAndReadOnly()
    {
        Assert.True(PolicyCatalog.BuiltIn.TryGet("unrestricted", out var unrestricted));
        Assert.True(PolicyCatalog.BuiltIn.TryGet("read-only", out var readOnly));
        Assert.Same(SqlPolicy.Unrestricted, unrestricted);
        Assert.Same(SqlPolicy.ReadOnly, readOnly);
        Assert.True(unrestricted.IsUnrestricted);
        Assert.True(readOnly.IsBuiltIn);
        Assert.Null(readOnly.SearchPath);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("Read-Only")]
    [InlineData("")]
    [InlineData(null)]
    public void TryGet_UnknownName_ReturnsFalseSoTheCallerDenies(string? name)
    {
        Assert.False(PolicyCatalog.BuiltIn.TryGet(name, out var policy));
        Assert.Null(policy);
    }

    [Fact]
    public void LoadDirectory_ReadsYamlYmlAndJson_AndNamesThem()
    {
        Write("a.yaml", "name: reader\nallow:\n  - statements: [select]\n    tables: [users]\n");
        Write("b.yml", "allow:\n  - statements: [insert]\n    tables: [orders]\n");
        Write("c.json", "{\"name\": \"from-json\", \"allow\": [{\"statements\": [\"select\"], \"tables\": [\"*\"]}]}");
        Write("notes.txt", "not a policy");
        Directory.CreateDirectory(Path.Combine(_directory, "nested"));
        File.WriteAllText(Path.Combine(_directory, "nested", "d.yaml"), "this: is ignored");

        var catalog = PolicyCatalog.LoadDirectory(_directory);

        Assert.Equal(
            ["b", "from-json", "read-only", "reader", "unrestricted"],
            catalog.Names.Order(StringComparer.Ordinal));
        Assert.True(catalog.TryGet("reader", out var reader));
        Assert.False(reader.IsBuiltIn);
        Assert.Equal("reader", reader.Document!.Name);
    }

    [Fact]
    public void LoadDirectory_InvalidFiles_AreAllReportedWithTheirPaths()
    {
        Write("good.yaml", "allow:\n  - statements: [select]\n    tables: [users]\n");
        Write("typo.yaml", "allow:\n  - statements: [select]\n    tabels: [users]\n");
        Write("keyword.json", "{\"allow\": [{\"statements\": [\"selct\"], \"tables\": [\"users\"]}]}");

        var ex = Assert.Throws<PolicyLoadException>(() => PolicyCatalog.LoadDirectory(_directory));

        Assert.Contains(Path.Combine(_directory, "typo.yaml"), ex.Message, StringComparison.Ordinal);
        Assert.Contains("unknown key \"tabels\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_directory, "keyword.json"), ex.Message, StringComparison.Ordinal);
        Assert.Contains("unknown statement keyword \"selct\"", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("good.yaml", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadDirectory_SameNameTwice_IsAnError()
    {
        Write("one.yaml", "name: twin\nallow:\n  - statements: [select]\n    tables: [users]\n");
        Write("two.yaml", "name: twin\nallow:\n  - statements: [select]\n    tables: [orders]\n");

        var ex = Assert.Throws<PolicyLoadException>(() => PolicyCatalog.LoadDirectory(_directory));

        Assert.Contains("policy \"twin\" is also defined in", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadDirectory_RedefiningABuiltIn_IsAnError()
    {
        Write("unrestricted.yaml", "allow:\n  - statements: [select]\n    tables: [users]\n");

        var ex = Assert.Throws<PolicyLoadException>(() => PolicyCatalog.LoadDirectory(_directory));

        Assert.Contains("\"unrestricted\" is a built-in policy", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadDirectory_MissingDirectory_IsAnError()
    {
        var ex = Assert.Throws<PolicyLoadException>(() => PolicyCatalog.LoadDirectory(Path.Combine(_directory, "missing")));

        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_ReturnsANewCatalog_AndRefusesDuplicates()
    {
        var policy = SqlPolicy.Compile(new PolicyDocument
        {
            Name = "extra",
            Allow = [new PolicyRule { Statements = ["select"], Tables = ["*"] }],
        });

        var catalog = PolicyCatalog.BuiltIn.With(policy);

        Assert.True(catalog.TryGet("extra", out _));
        Assert.False(PolicyCatalog.BuiltIn.TryGet("extra", out _));
        Assert.Throws<PolicyLoadException>(() => catalog.With(policy));
    }

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_directory, name), text);
}
