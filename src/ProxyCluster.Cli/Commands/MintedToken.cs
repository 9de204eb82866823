using ProxyCluster.Tokens;

namespace ProxyCluster.Cli.Commands;

/// <summary>A token just minted: the one moment its secret exists in readable form.</summary>
internal sealed record MintedToken(string Token, TokenRecord Record, string BootstrapLine)
{
    public string User => ApiToken.UserNameFor(Record.Id);

    public static MintedToken Mint(MintRequest request, DateTimeOffset now)
    {
        // Whole seconds: the expiry is read by people and diffed in files.
        DateTimeOffset? expiresAt = request.ExpiresIn is { } lifetime
            ? DateTimeOffset.FromUnixTimeSeconds((now + lifetime).ToUnixTimeSeconds())
            : null;
        var token = ApiToken.Mint(out _);
        var record = TokenRecord.Create(token, request.Principal, request.Policy, request.Routes, expiresAt);
        return new MintedToken(token, record, BootstrapTokenFile.FormatLine(record));
    }
}
