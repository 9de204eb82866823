using ProxyCluster.Sessions.Metrics;

namespace ProxyCluster.Sessions.Tests.Metrics;

public sealed class MetricPrimitivesTests
{
    private const int Threads = 8;
    private const int PerThread = 100_000;

    [Fact]
    public async Task Counter_IncrementsFromSeveralThreads_SumExactly()
    {
        var counter = new Counter();

        await RunConcurrentlyAsync(_ => counter.Inc());

        Assert.Equal(Threads * PerThread, counter.Value);
    }

    [Fact]
    public async Task Gauge_IncAndDecFromSeveralThreads_Balance()
    {
        var gauge = new Gauge();

        await RunConcurrentlyAsync(thread =>
        {
            gauge.Inc();
            if (thread % 2 == 0)
            {
                gauge.Dec();
            }
        });

        Assert.Equal(Threads / 2 * PerThread, gauge.Value);
    }

    [Fact]
    public async Task Histogram_ObservationsFromSeveralThreads_CountAndSumExactly()
    {
        var histogram = new Histogram(Histogram.LatencySecondsBounds);

        await RunConcurrentlyAsync(thread => histogram.Observe(TimeSpan.FromMicroseconds(thread + 1)));

        Assert.Equal(Threads * PerThread, histogram.Count);
        var expectedMicros = PerThread * (long)(Threads * (Threads + 1) / 2);
        Assert.Equal(expectedMicros / 1_000_000.0, histogram.Sum, 9);
    }

    [Fact]
    public async Task CounterFamily_FirstLookupsRacing_CreateOneChildPerLabelSet()
    {
        var family = new MetricsRegistry().CreateCounterFamily("proxy_auth_total", "Authentications.", "method", "result");

        await RunConcurrentlyAsync(thread => family.WithLabels(thread % 2 == 0 ? "scram" : "jwt", "ok").Inc());

        Assert.Equal(Threads / 2 * PerThread, family.WithLabels("scram", "ok").Value);
        Assert.Equal(Threads / 2 * PerThread, family.WithLabels("jwt", "ok").Value);
    }

    [Fact]
    public void WithLabels_SameValues_ReturnTheSameChild()
    {
        var family = new MetricsRegistry().CreateCounterFamily("proxy_c", "help", "kind");

        Assert.Same(family.WithLabels("select"), family.WithLabels(new string(['s', 'e', 'l', 'e', 'c', 't'])));
        Assert.NotSame(family.WithLabels("select"), family.WithLabels("insert"));
    }

    [Fact]
    public void WithLabels_WrongNumberOfValues_Throws()
    {
        var family = new MetricsRegistry().CreateCounterFamily("proxy_c", "help", "kind", "decision");

        Assert.Throws<ArgumentException>(() => family.WithLabels("select"));
    }

    [Fact]
    public void Updates_AllocateNothing()
    {
        var registry = new MetricsRegistry();
        var counter = registry.CreateCounter("proxy_c_total", "help");
        var gauge = registry.CreateGauge("proxy_g", "help");
        var histogram = registry.CreateHistogram("proxy_h_seconds", "help", Histogram.LatencySecondsBounds);
        var family = registry.CreateCounterFamily("proxy_f_total", "help", "kind", "decision");
        family.WithLabels("select", "allow");
        UpdateAll(counter, gauge, histogram, family);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            UpdateAll(counter, gauge, histogram, family);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(new double[0])]
    [InlineData(new[] { 1.0, 1.0 })]
    [InlineData(new[] { 2.0, 1.0 })]
    [InlineData(new[] { 1.0, double.PositiveInfinity })]
    public void Histogram_BadBounds_Throw(double[] bounds)
    {
        Assert.Throws<ArgumentException>(() => new Histogram(bounds));
    }

    private static void UpdateAll(Counter counter, Gauge gauge, Histogram histogram, CounterFamily family)
    {
        counter.Inc();
        gauge.Inc();
        gauge.Set(3);
        histogram.Observe(0.003);
        histogram.Observe(TimeSpan.FromMilliseconds(20));
        family.WithLabels("select", "allow").Inc();
    }

    private static async Task RunConcurrentlyAsync(Action<int> update)
    {
        using var start = new Barrier(Threads);
        var threads = new Task[Threads];
        for (var t = 0; t < Threads; t++)
        {
            var thread = t;
            threads[t] = Task.Factory.StartNew(
                () =>
                {
                    start.SignalAndWait();
                    for (var i = 0; i < PerThread; i++)
                    {
                        update(thread);
                    }
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
        }

        await Task.WhenAll(threads).WaitAsync(TimeSpan.FromSeconds(60));
    }
}
