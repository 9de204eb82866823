namespace ProxyCluster.Sessions.Metrics;

/// <summary>A registered metric as the registry renders it: its samples, under a name the registry owns.</summary>
internal interface IExposable
{
    /// <summary>False for a family without children yet: then not even its HELP and TYPE lines are written.</summary>
    bool HasSamples { get; }

    void WriteSamples(ExpositionWriter writer, string name);
}
