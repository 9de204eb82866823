using System.Text.Json.Serialization;

namespace ProxyCluster.Cli.Admin;

/// <summary><c>GET /v1/tokens</c>.</summary>
internal sealed record TokenListResponse
{
    [JsonPropertyName("tokens")]
    public IReadOnlyList<TokenView> Tokens { get; init; } = [];
}

/// <summary><c>POST /v1/tokens/{id}/revoke</c>.</summary>
internal sealed record RevokeTokenResponse
{
    [JsonPropertyName("token")]
    public TokenView? Token { get; init; }

    [JsonPropertyName("already_revoked")]
    public bool AlreadyRevoked { get; init; }
}

/// <summary><c>GET /v1/sessions</c>: every node's sessions, and the nodes whose sessions could not be asked for.</summary>
internal sealed record SessionListResponse
{
    [JsonPropertyName("sessions")]
    public IReadOnlyList<SessionView> Sessions { get; init; } = [];

    [JsonPropertyName("unreachable_nodes")]
    public IReadOnlyList<string> UnreachableNodes { get; init; } = [];
}

/// <summary><c>POST /v1/sessions/{id}/kill</c>.</summary>
internal sealed record KillSessionResponse
{
    [JsonPropertyName("session")]
    public SessionView? Session { get; init; }
}

/// <summary><c>GET /v1/cluster</c>.</summary>
internal sealed record ClusterResponse
{
    [JsonPropertyName("self")]
    public string? Self { get; init; }

    [JsonPropertyName("control_store")]
    public string? ControlStore { get; init; }

    [JsonPropertyName("members")]
    public IReadOnlyList<MemberView> Members { get; init; } = [];
}

/// <summary>Every error answer: <c>{error, code}</c>.</summary>
internal sealed record AdminErrorBody
{
    [JsonPropertyName("error")]
    public string? Error { get; init; }

    [JsonPropertyName("code")]
    public string? Code { get; init; }
}
