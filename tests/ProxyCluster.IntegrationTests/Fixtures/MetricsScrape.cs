using System.Globalization;

namespace ProxyCluster.IntegrationTests.Fixtures;

/// <summary>A node's <c>/metrics</c>, fetched the way Prometheus does.</summary>
public static class MetricsScrape
{
    public static async Task<string> TextAsync(string adminUrl)
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(new Uri(adminUrl + "/metrics"));
    }

    /// <summary>The value of an unlabelled sample (a plain counter or gauge); 0 while it is absent.</summary>
    public static async Task<double> ValueAsync(string adminUrl, string name)
    {
        var text = await TextAsync(adminUrl);
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
