using System.Collections;
using Microsoft.Extensions.Configuration;

namespace ProxyCluster.Node.Configuration;

/// <summary>Reads the node's configuration file plus <c>PROXYCLUSTER_</c> environment overrides into <see cref="ProxyOptions"/>.</summary>
public static class ProxyConfigurationLoader
{
    public const string EnvironmentPrefix = "PROXYCLUSTER_";

    public static ProxyOptions Load(string path, IDictionary environment)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"configuration file {path} does not exist", path);
        }

        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string key && key.StartsWith(EnvironmentPrefix, StringComparison.Ordinal))
            {
                overrides[key[EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal)] = entry.Value as string;
            }
        }

        IConfiguration configuration;
        try
        {
            configuration = new ConfigurationBuilder()
                .AddJsonFile(Path.GetFullPath(path), optional: false, reloadOnChange: false)
                .AddInMemoryCollection(overrides)
                .Build();
        }
        catch (FormatException exception)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {exception.Message}", exception);
        }

        return configuration.GetSection(ProxyOptions.SectionName).Get<ProxyOptions>()
            ?? throw new InvalidDataException($"{path} has no \"{ProxyOptions.SectionName}\" section");
    }
}
