namespace ProxyCluster.Sessions.Metrics;

/// <summary>
/// The session machinery's metrics, registered once per node. Children with fixed labels are fetched here, once;
/// the ones labelled by values known only at run time (statement kinds, auth methods) are looked up without
/// allocating.
/// </summary>
public sealed class SessionMetrics
{
    private readonly CounterFamily _sessions;
    private readonly CounterFamily _authentications;
    private readonly CounterFamily _statements;
    private readonly Counter _bytesToServer;
    private readonly Counter _bytesToClient;
    private readonly CounterFamily _upstreamConnects;

    public SessionMetrics(MetricsRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Active = registry.CreateGauge("proxycluster_sessions_active", "Client sessions relaying to an upstream server now.");
        _sessions = registry.CreateCounterFamily("proxycluster_sessions_total", "Client connections by how they ended up: authenticated (and relayed) or refused.", "outcome");
        _authentications = registry.CreateCounterFamily("proxycluster_authentications_total", "Authentication attempts by method and result.", "method", "result");
        _statements = registry.CreateCounterFamily("proxycluster_statements_total", "Queries checked against the policy, by statement kind and decision.", "kind", "decision");
        StatementDuration = registry.CreateHistogram(
            "proxycluster_statement_duration_seconds",
            "From forwarding a checked query to the server's ReadyForQuery after it.",
            Histogram.LatencySecondsBounds);
        var bytes = registry.CreateCounterFamily("proxycluster_relayed_bytes_total", "Bytes relayed, by direction (counted when a session ends).", "direction");
        _bytesToServer = bytes.WithLabels("to_server");
        _bytesToClient = bytes.WithLabels("to_client");
        _upstreamConnects = registry.CreateCounterFamily("proxycluster_upstream_connects_total", "Connections to upstream servers by result.", "result");
    }

    public Gauge Active { get; }

    public Histogram StatementDuration { get; }

    public void Authenticated(string method) => _authentications.WithLabels(method, "ok").Inc();

    public void AuthenticationFailed(string method) => _authentications.WithLabels(method, "failed").Inc();

    public void SessionRelayed() => _sessions.WithLabels("authenticated").Inc();

    public void SessionRefused() => _sessions.WithLabels("refused").Inc();

    public void UpstreamConnect(bool succeeded) => _upstreamConnects.WithLabels(succeeded ? "ok" : "failed").Inc();

    public void Statement(string kind, bool allowed) => _statements.WithLabels(kind, allowed ? "allow" : "deny").Inc();

    public void Relayed(long toServer, long toClient)
    {
        _bytesToServer.Add(toServer);
        _bytesToClient.Add(toClient);
    }
}
