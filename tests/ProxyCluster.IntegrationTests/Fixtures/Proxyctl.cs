namespace ProxyCluster.IntegrationTests.Fixtures;

/// <summary>Runs the real proxyctl (built with the solution) as operators and scripts do.</summary>
public static class Proxyctl
{
    /// <summary>src/ProxyCluster.Cli/bin/&lt;configuration&gt;/net10.0/proxyctl.dll, found from this test assembly's location.</summary>
    public static string DllPath { get; } = Find();

    public static Task<ClientProcess.Result> RunAsync(string adminUrl, string adminTokenFile, params string[] arguments) =>
        ClientProcess.RunAsync(
            "dotnet",
            [DllPath, "--node", adminUrl, "--admin-token-file", adminTokenFile, .. arguments],
            new Dictionary<string, string> { ["DOTNET_NOLOGO"] = "1" },
            TimeSpan.FromSeconds(60));

    private static string Find()
    {
        // tests/ProxyCluster.IntegrationTests/bin/<configuration>/net10.0/ → the repository root is five levels up.
        var here = AppContext.BaseDirectory;
        var configuration = new DirectoryInfo(here).Parent!.Name;
        var root = Path.GetFullPath(Path.Combine(here, "..", "..", "..", "..", ".."));
        var dll = Path.Combine(root, "src", "ProxyCluster.Cli", "bin", configuration, "net10.0", "proxyctl.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"proxyctl is not built at {dll}; build the solution first");
    }
}
