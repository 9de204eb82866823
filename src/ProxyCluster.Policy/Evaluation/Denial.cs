namespace ProxyCluster.Policy.Evaluation;

/// <summary>Why a statement is denied: the deciding rule and the message for the client.</summary>
internal sealed record Denial(string Rule, string Reason);
