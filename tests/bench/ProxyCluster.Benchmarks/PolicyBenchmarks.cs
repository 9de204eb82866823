using BenchmarkDotNet.Attributes;
using ProxyCluster.Policy;
using ProxyCluster.Sql;

namespace ProxyCluster.Benchmarks;

/// <summary>
/// What the session pays per statement for policy: analysis (libpg_query, or a cache hit) plus the decision
/// (evaluation, or a cache hit). "Cached" is the steady state of a repeated statement, e.g. pgbench
/// <c>-M prepared</c>; "Uncached" parses and evaluates every time (the analyzer's cache is off, so each
/// analysis is a new instance and the decision cache misses too).
/// </summary>
[MemoryDiagnoser]
public class PolicyBenchmarks : IDisposable
{
    public const string PgbenchSelect = "SELECT abalance FROM pgbench_accounts WHERE aid = $1";

    public const string MidSizeJoin = """
        SELECT o.id, o.total, u.name, count(i.id) AS items, sum(i.price * i.quantity) AS amount
        FROM orders o
        JOIN users u ON u.id = o.user_id
        LEFT JOIN order_items i ON i.order_id = o.id
        LEFT JOIN products p ON p.id = i.product_id
        WHERE o.created_at >= now() - interval '7 days' AND u.status = $1 AND p.category = ANY($2)
        GROUP BY o.id, o.total, u.name
        ORDER BY amount DESC
        LIMIT 50
        """;

    private const string PolicyText = """
        name: bench
        allow:
          - name: pgbench
            statements: [select, insert, update]
            tables: [pgbench_accounts, pgbench_branches, pgbench_tellers, pgbench_history]
          - name: shop
            statements: [select]
            tables: [orders, users, order_items, products]
        """;

    private SqlAnalyzer _cachedAnalyzer = null!;
    private SqlAnalyzer _uncachedAnalyzer = null!;
    private SqlPolicy _policy = null!;

    [Params(PgbenchSelect, MidSizeJoin)]
    public string Query { get; set; } = PgbenchSelect;

    [GlobalSetup]
    public void Setup()
    {
        _cachedAnalyzer = new SqlAnalyzer();
        _uncachedAnalyzer = new SqlAnalyzer(new SqlAnalyzerOptions { CacheCapacity = 0, ParserThreads = 1 });
        _policy = SqlPolicy.Compile(PolicyDocument.Parse(PolicyText));
        var decision = PolicyEvaluator.Evaluate(_policy, _cachedAnalyzer.Analyze(Query));
        if (!decision.Allowed)
        {
            throw new InvalidOperationException("the benchmark query must be allowed: " + decision.Reason);
        }
    }

    [Benchmark(Baseline = true)]
    public bool AnalyzeAndDecide_Cached() => PolicyEvaluator.Evaluate(_policy, _cachedAnalyzer.Analyze(Query)).Allowed;

    [Benchmark]
    public bool AnalyzeAndDecide_Uncached() => PolicyEvaluator.Evaluate(_policy, _uncachedAnalyzer.Analyze(Query)).Allowed;

    [Benchmark]
    public bool AnalyzeOnly_Uncached() => _uncachedAnalyzer.Analyze(Query).Succeeded;

    [GlobalCleanup]
    public void Dispose()
    {
        _cachedAnalyzer?.Dispose();
        _uncachedAnalyzer?.Dispose();
        GC.SuppressFinalize(this);
    }
}
