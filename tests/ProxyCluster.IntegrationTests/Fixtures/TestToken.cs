using ProxyCluster.Tokens;

namespace ProxyCluster.IntegrationTests.Fixtures;

/// <summary>A token minted for a test: what a client presents (user and secret) and what the node stores.</summary>
public sealed record TestToken(string Token, TokenRecord Record)
{
    public string Id => Record.Id;

    public string User => ApiToken.UserNameFor(Record.Id);

    public static TestToken Mint(string principal, IReadOnlyList<string>? routes = null, DateTimeOffset? expiresAt = null, string policy = TokenRecord.DefaultPolicy)
    {
        var token = ApiToken.Mint(out _);
        return new TestToken(token, TokenRecord.Create(token, principal, policy, routes ?? [], expiresAt));
    }
}
