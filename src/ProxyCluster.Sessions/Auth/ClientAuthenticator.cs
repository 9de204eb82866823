using System.IO.Pipelines;
using ProxyCluster.Protocol.Backend;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Framing;
using ProxyCluster.Protocol.Frontend;
using ProxyCluster.Protocol.Scram;
using ProxyCluster.Sessions.Relay;
using ProxyCluster.Tokens;

namespace ProxyCluster.Sessions.Auth;

/// <summary>
/// Authenticates a client against the token registry, never against the database. The startup <c>user</c> names
/// the token (<c>pct_&lt;id&gt;</c>): SCRAM-SHA-256 against the token's stored verifiers. Where cleartext is allowed
/// (TLS, or a listener marked insecure for local development) and the user is not a token id, the token itself is
/// asked for as a password.
/// </summary>
public sealed class ClientAuthenticator
{
    public const string ScramMethod = "scram-sha-256";
    public const string CleartextMethod = "cleartext-token";

    /// <summary>Authentication messages are small; PostgreSQL caps them similarly.</summary>
    private const int MaxAuthMessageLength = 16 * 1024;

    private readonly ITokenLookup _tokens;
    private readonly TimeProvider _time;

    public ClientAuthenticator(ITokenLookup tokens, TimeProvider time)
    {
        _tokens = tokens;
        _time = time;
    }

    public async ValueTask<ClientAuthResult> AuthenticateAsync(
        StartupMessage startup,
        IDuplexPipe client,
        bool cleartextAllowed,
        CancellationToken cancellationToken)
    {
        var user = startup.User;
        var known = _tokens.TryGet(ApiToken.NormalizeUserToId(user), out var token);
        if (!known && cleartextAllowed)
        {
            return await CleartextAsync(user, client, cancellationToken).ConfigureAwait(false);
        }

        return await ScramAsync(user, token, client, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<ClientAuthResult> ScramAsync(string user, TokenRecord? token, IDuplexPipe client, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var verifiers = token?.ActiveScramVerifiers(now);
        var exchange = verifiers is { Count: > 0 }
            ? new ScramServerExchange(verifiers)
            : ScramServerExchange.ForUnknownUser(user); // same exchange shape for unknown tokens: nothing to probe

        BackendMessages.WriteAuthenticationSasl(client.Output, [ScramServerExchange.Mechanism]);
        await client.Output.FlushAsync(cancellationToken).ConfigureAwait(false);

        var initial = await ReadPasswordMessageAsync(client.Input, cancellationToken).ConfigureAwait(false);
        if (initial is null)
        {
            return ClientAuthResult.Abandoned(ScramMethod);
        }

        if (!FrontendReaders.TryReadSaslInitialResponse(initial.Value.Body, out var mechanism, out var clientFirst))
        {
            throw new ProtocolViolationException("malformed SASLInitialResponse message");
        }

        if (mechanism != ScramServerExchange.Mechanism)
        {
            throw new ProtocolViolationException("client selected an invalid SASL authentication mechanism");
        }

        if (exchange.HandleClientFirst(clientFirst, out var serverFirst) != ScramResult.Continue)
        {
            throw new ProtocolViolationException("malformed SCRAM message");
        }

        BackendMessages.WriteAuthenticationSaslContinue(client.Output, serverFirst);
        await client.Output.FlushAsync(cancellationToken).ConfigureAwait(false);

        var response = await ReadPasswordMessageAsync(client.Input, cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            return ClientAuthResult.Abandoned(ScramMethod);
        }

        var result = exchange.HandleClientFinal(FrontendReaders.ReadSaslResponse(response.Value.Body), out var serverFinal);
        if (result == ScramResult.Malformed)
        {
            throw new ProtocolViolationException("malformed SCRAM message");
        }

        if (result != ScramResult.Success || token is null)
        {
            return ClientAuthResult.Refused(user, ScramMethod, token is null ? "unknown token" : "wrong secret");
        }

        if (token.IsExpired(now))
        {
            return ClientAuthResult.Refused(user, ScramMethod, "token expired");
        }

        BackendMessages.WriteAuthenticationSaslFinal(client.Output, serverFinal);
        return ClientAuthResult.Authenticated(token, ScramMethod);
    }

    private async ValueTask<ClientAuthResult> CleartextAsync(string user, IDuplexPipe client, CancellationToken cancellationToken)
    {
        BackendMessages.WriteAuthenticationCleartextPassword(client.Output);
        await client.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        var message = await ReadPasswordMessageAsync(client.Input, cancellationToken).ConfigureAwait(false);
        if (message is null)
        {
            return ClientAuthResult.Abandoned(CleartextMethod);
        }

        if (!FrontendReaders.TryReadPassword(message.Value.Body, out var presented))
        {
            throw new ProtocolViolationException("malformed password message");
        }

        var now = _time.GetUtcNow();
        if (!ApiToken.TryParse(presented, out var id) || !_tokens.TryGet(id, out var token))
        {
            return ClientAuthResult.Refused(user, CleartextMethod, "unknown token");
        }

        if (!token.VerifyCleartext(presented, now))
        {
            return ClientAuthResult.Refused(user, CleartextMethod, "wrong secret");
        }

        return token.IsExpired(now)
            ? ClientAuthResult.Refused(user, CleartextMethod, "token expired")
            : ClientAuthResult.Authenticated(token, CleartextMethod);
    }

    private static async ValueTask<HandshakeMessage?> ReadPasswordMessageAsync(PipeReader input, CancellationToken cancellationToken)
    {
        var message = await HandshakeMessage.ReadAsync(input, MaxAuthMessageLength, cancellationToken).ConfigureAwait(false);
        if (message is { } m && m.Code != (byte)FrontendCode.Password)
        {
            throw new ProtocolViolationException($"expected password response, got message type {m.Code}");
        }

        return message;
    }
}
