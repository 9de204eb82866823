using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using BenchmarkDotNet.Attributes;
using ProxyCluster.Sessions.Audit;
using ProxyCluster.Sessions.Policy;

namespace ProxyCluster.Benchmarks;

/// <summary>
/// What auditing one execution of a prepared statement costs the client-side relay: reading the Bind's names (and,
/// on a route with <c>AuditParameterValues</c>, its values) and looking up the Execute's portal. Bytes are shaped
/// as Npgsql sends pgbench's select: one int4 in binary, its type named in Parse.
/// </summary>
[MemoryDiagnoser]
public class PreparedExecutionBenchmarks
{
    private const string Statement = "s1";

    private PreparedStatements _names = null!;
    private PreparedStatements _values = null!;
    private ReadOnlySequence<byte> _bind;
    private ReadOnlySequence<byte> _executeBody;

    [GlobalSetup]
    public void Setup()
    {
        var facts = new StatementAuditFacts(["select"], [], "pgbench", null, PolicyBenchmarks.PgbenchSelect, "f");
        var parse = ParseBody(Statement, PolicyBenchmarks.PgbenchSelect, 23);
        _names = new PreparedStatements();
        _values = new PreparedStatements(recordParameterValues: true);
        _names.Prepared(Statement, facts, parse);
        _values.Prepared(Statement, facts, parse);

        // Bind: portal "", statement "s1", one format code (binary), one int4 value, no result formats.
        byte[] bind = [(byte)'B', 0, 0, 0, 0, 0, (byte)'s', (byte)'1', 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 4, 0, 1, 0x86, 0xa0, 0, 0];
        BinaryPrimitives.WriteInt32BigEndian(bind.AsSpan(1), bind.Length - 1);
        _bind = new ReadOnlySequence<byte>(bind);
        _executeBody = new ReadOnlySequence<byte>([0, 0, 0, 0, 0]);
    }

    [Benchmark(Baseline = true)]
    public StatementAuditFacts? NamesOnly()
    {
        _names.Bound(_bind);
        return _names.Executed(_executeBody).Facts;
    }

    [Benchmark]
    public IReadOnlyList<ProxyCluster.Audit.AuditParameter>? WithValues()
    {
        _values.Bound(_bind);
        return _values.Executed(_executeBody).Parameters;
    }

    private static ReadOnlySequence<byte> ParseBody(string name, string sql, uint type)
    {
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.UTF8.GetBytes(name));
        bytes.Add(0);
        bytes.AddRange(Encoding.UTF8.GetBytes(sql));
        bytes.AddRange([0, 0, 1]);
        var oid = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(oid, type);
        bytes.AddRange(oid);
        return new ReadOnlySequence<byte>(bytes.ToArray());
    }
}
