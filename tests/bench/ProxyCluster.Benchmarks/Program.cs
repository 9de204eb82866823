using BenchmarkDotNet.Running;

namespace ProxyCluster.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release -- --filter '*'</c>, or <c>-- --job dry --filter '*'</c> for a quick check that
/// everything runs.
/// </summary>
internal static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
