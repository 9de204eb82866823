using System.Globalization;

namespace ProxyCluster.Tests.Fuzzing;

/// <summary>
/// A seeded, bounded fuzz run: the same inputs every time unless <c>PROXYCLUSTER_FUZZ_SEED</c> says otherwise, and
/// <c>PROXYCLUSTER_FUZZ_ITERATIONS</c> multiplies the count for a longer local run. A failure names the seed and the
/// iteration, so it can be replayed.
/// </summary>
internal static class FuzzRun
{
    public const int DefaultSeed = 20_261_123;

    public static int Seed { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("PROXYCLUSTER_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : DefaultSeed;

    public static int Scale { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("PROXYCLUSTER_FUZZ_ITERATIONS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var scale) && scale > 0 ? scale : 1;

    /// <summary>Runs <paramref name="body"/> <paramref name="iterations"/> × <see cref="Scale"/> times, each with its own seeded random.</summary>
    public static void Times(int iterations, Action<Random, int> body)
    {
        for (var i = 0; i < iterations * Scale; i++)
        {
            var random = new Random(HashCode.Combine(Seed, i));
            try
            {
                body(random, i);
            }
            catch (Exception exception) when (exception is not Xunit.Sdk.XunitException)
            {
                throw new InvalidOperationException($"fuzz iteration {i} (seed {Seed}) threw: {exception.GetType().Name}: {exception.Message}", exception);
            }
        }
    }
}
