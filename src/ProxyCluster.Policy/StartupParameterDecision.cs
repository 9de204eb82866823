namespace ProxyCluster.Policy;

/// <summary>Whether one startup-packet parameter may be forwarded upstream, and if not, why.</summary>
public sealed record StartupParameterDecision(bool Allowed, string? Reason)
{
    internal static StartupParameterDecision Forward { get; } = new(true, null);

    internal static StartupParameterDecision Refuse(string reason) => new(false, reason);
}
