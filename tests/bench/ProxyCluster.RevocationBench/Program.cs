using System.Diagnostics;
using System.Globalization;
using Npgsql;
using ProxyCluster.RevocationBench;

// Measures, per revocation, the time from the moment the revoke call returns until (a) every node refuses the
// token for new connections (probed at the protocol level, see LoginProbe) and (b) every live session of the
// token (one per node, each inside pg_sleep) has ended. Prints p50/p99/max over the iterations. Driven by
// tests/bench/revocation-latency.sh.
var envPath = args.Length > 0 ? args[0] : "cluster-config/.run/cluster.env";
var iterations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;
var env = ClusterEnv.Load(envPath);
if (env.NodePorts.Count < 2)
{
    Console.Error.WriteLine("need several nodes: start the cluster with cluster-config/up.sh --nodes 3");
    return 2;
}

var deadline = TimeSpan.FromSeconds(10);
using var admin = new AdminApi(env.AdminToken);
var refused = new List<double>(iterations);
var cut = new List<double>(iterations);
for (var i = 0; i < iterations; i++)
{
    var (id, token) = await admin.CreateAsync(env.AdminUrls[0], env.Database);
    var sessions = new List<(NpgsqlConnection Connection, Task Sleep)>();
    foreach (var port in env.NodePorts)
    {
        var connection = await ConnectWhenAcceptedAsync(port, id, token, env.Database, deadline);
        var command = new NpgsqlCommand("select pg_sleep(60)", connection);
        sessions.Add((connection, command.ExecuteNonQueryAsync()));
    }

    await Task.Delay(20); // let every pg_sleep reach the server, so the cut ends a running statement
    var revokeVia = env.AdminUrls[^1];
    await admin.RevokeAsync(revokeVia, id);
    var revokedAt = Stopwatch.GetTimestamp();

    var refusals = env.NodePorts.Select(port => UntilRefusedAsync(port, id, token, env.Database, revokedAt, deadline)).ToArray();
    var cuts = sessions.Select(s => UntilEndedAsync(s.Sleep, revokedAt, deadline)).ToArray();
    refused.Add((await Task.WhenAll(refusals)).Max());
    cut.Add((await Task.WhenAll(cuts)).Max());
    foreach (var (connection, _) in sessions)
    {
        await connection.DisposeAsync();
    }

    Console.Error.Write(i % 10 == 9 ? $"{i + 1}\n" : ".");
}

Console.WriteLine($"revocations: {iterations}, nodes: {env.NodePorts.Count}, revoked through {env.AdminUrls[^1]}");
Console.WriteLine("milliseconds from the revoke call's answer until …      p50      p99      max");
Console.WriteLine(Row("(a) every node refuses a new connection", refused));
Console.WriteLine(Row("(b) every live session has ended", cut));
return 0;

static string Row(string what, List<double> values)
{
    values.Sort();
    return string.Create(CultureInfo.InvariantCulture, $"{what,-52} {Percentile(values, 0.50),8:F1} {Percentile(values, 0.99),8:F1} {values[^1],8:F1}");
}

static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

static NpgsqlConnection NewConnection(int port, string id, string token, string database) =>
    new(new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = port,
        Database = database,
        Username = $"pct_{id}",
        Password = token,
        Pooling = false,
        SslMode = SslMode.Disable,
        Timeout = 5,
    }.ConnectionString);

// A new token reaches every node within milliseconds; wait for it rather than assume.
static async Task<NpgsqlConnection> ConnectWhenAcceptedAsync(int port, string id, string token, string database, TimeSpan deadline)
{
    var until = Stopwatch.GetTimestamp() + (long)(deadline.TotalSeconds * Stopwatch.Frequency);
    while (true)
    {
        var connection = NewConnection(port, id, token, database);
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch (PostgresException) when (Stopwatch.GetTimestamp() < until)
        {
            await connection.DisposeAsync();
            await Task.Delay(2);
        }
    }
}

static async Task<double> UntilRefusedAsync(int port, string id, string token, string database, long since, TimeSpan deadline)
{
    while (Stopwatch.GetElapsedTime(since) < deadline)
    {
        if (await LoginProbe.IsRefusedAsync(port, $"pct_{id}", token, database))
        {
            return Stopwatch.GetElapsedTime(since).TotalMilliseconds;
        }
    }

    throw new TimeoutException($"node on port {port} still accepts revoked token {id} after {deadline.TotalSeconds} s");
}

static async Task<double> UntilEndedAsync(Task sleep, long since, TimeSpan deadline)
{
    var finished = await Task.WhenAny(sleep, Task.Delay(deadline));
    if (finished != sleep)
    {
        throw new TimeoutException($"a live session of the revoked token is still running after {deadline.TotalSeconds} s");
    }

    var elapsed = Stopwatch.GetElapsedTime(since).TotalMilliseconds;
    return sleep.IsFaulted ? elapsed : throw new InvalidOperationException("pg_sleep finished instead of being cut");
}
