using ProxyCluster.Cli.Commands.Tokens;

namespace ProxyCluster.Cli.Tests.Commands;

public sealed class PolicyChoiceTests : IDisposable
{
    private readonly TestEnvironment _environment = new();

    public void Dispose() => _environment.Dispose();

    [Fact]
    public void TryResolve_PlainName_IsAPolicyName()
    {
        Assert.True(PolicyChoice.TryResolve("read-only", _environment.Environment, out var choice, out _));
        Assert.Equal(new PolicyChoice("read-only", null), choice);
    }

    [Fact]
    public void TryResolve_YamlFile_SendsItsTextAndTopLevelName()
    {
        const string yaml = "# a policy\nname: \"demo-reader\"  # quoted\ndescription: x\nallow:\n  - name: read-demo-tables\n";
        var path = _environment.WriteFile("whatever.yaml", yaml);

        Assert.True(PolicyChoice.TryResolve(path, _environment.Environment, out var choice, out _));
        Assert.Equal("demo-reader", choice.Name);
        Assert.Equal(yaml, choice.Document);
    }

    [Fact]
    public void TryResolve_JsonFile_UsesItsNameProperty()
    {
        var path = _environment.WriteFile("p.json", """{"allow": [{"name": "inner"}], "name": "json-policy"}""");

        Assert.True(PolicyChoice.TryResolve(path, _environment.Environment, out var choice, out _));
        Assert.Equal("json-policy", choice.Name);
    }

    [Fact]
    public void TryResolve_ExistingFileWithoutExtensionOrName_IsADocumentNamedAfterTheFile()
    {
        var path = _environment.WriteFile("analysts", "allow:\n  - name: nested-is-not-top-level\n");

        Assert.True(PolicyChoice.TryResolve(path, _environment.Environment, out var choice, out _));
        Assert.Equal("analysts", choice.Name);
        Assert.NotNull(choice.Document);
    }

    [Fact]
    public void TryResolve_RelativePath_IsReadFromTheWorkingDirectory()
    {
        File.WriteAllText(Path.Combine(_environment.WorkingDirectory, "local.yml"), "name: local\n");

        Assert.True(PolicyChoice.TryResolve("local.yml", _environment.Environment, out var choice, out _));
        Assert.Equal("local", choice.Name);
    }

    [Fact]
    public void TryResolve_MissingYamlFile_Fails()
    {
        Assert.False(PolicyChoice.TryResolve("nowhere.yaml", _environment.Environment, out _, out var failure));
        Assert.Equal(ExitCodes.Failure, failure.ExitCode);
    }
}
