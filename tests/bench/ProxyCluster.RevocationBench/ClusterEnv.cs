namespace ProxyCluster.RevocationBench;

/// <summary>The parts of cluster-config/.run/cluster.env the benchmark needs; KEY='value' lines, never executed.</summary>
internal sealed record ClusterEnv(IReadOnlyList<int> NodePorts, IReadOnlyList<string> AdminUrls, string AdminToken, string Database)
{
    public static ClusterEnv Load(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (line.StartsWith('#') || equals <= 0)
            {
                continue;
            }

            var value = line[(equals + 1)..];
            values[line[..equals]] = value.Length >= 2 && value[0] == '\'' && value[^1] == '\'' ? value[1..^1].Replace("'\\''", "'", StringComparison.Ordinal) : value;
        }

        string Get(string key) => values.TryGetValue(key, out var v) && v.Length > 0
            ? v
            : throw new InvalidOperationException($"{path} has no {key}; start the cluster with cluster-config/up.sh --nodes 3");

        var ports = Get("NODE_PORTS").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        var urls = Get("ADMIN_URLS").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var token = File.ReadAllText(Get("ADMIN_TOKEN_FILE")).Trim();
        return new ClusterEnv(ports, urls, token, Get("DEMO_DB"));
    }
}
