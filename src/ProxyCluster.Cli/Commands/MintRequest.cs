namespace ProxyCluster.Cli.Commands;

/// <summary>What <c>token mint</c> was asked for, as parsed from the command line.</summary>
internal sealed record MintRequest(
    string Principal,
    IReadOnlyList<string> Routes,
    string Policy,
    TimeSpan? ExpiresIn,
    string? AppendTo);
