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
/// the token (<c>pct_&lt;id&gt;</c>): SCRAM-SHA-256 against the token's stored verifiers — on TLS also
/// SCRAM-SHA-256-PLUS, bound to the connection's <c>tls-server-end-point</c>, which libpq prefers (and insists on
/// with <c>channel_binding=require</c>). Where cleartext is allowed (TLS, or a listener marked insecure for local
/// development) and the user is not a token id, the token itself is asked for as a password.
/// </summary>
public sealed class ClientAuthenticator
{
    public const string ScramMethod = "scram-sha-256";
    public const string ScramPlusMethod = "scram-sha-256-plus";
    public const string CleartextMethod = "cleartext-token";
    public const string CertificateMethod = "client-certificate";
    public const string JwtMethod = "jwt";

    /// <summary>Authentication messages are small; PostgreSQL caps them similarly.</summary>
    private const int MaxAuthMessageLength = 16 * 1024;

    private readonly ITokenLookup _tokens;
    private readonly TimeProvider _time;

    private readonly IExternalCredentials? _external;

    public ClientAuthenticator(ITokenLookup tokens, TimeProvider time, IExternalCredentials? external = null)
    {
        _tokens = tokens;
        _time = time;
        _external = external;
    }

    /// <summary>
    /// Authenticates the client of <paramref name="client"/>: by its verified client certificate when that maps to a
    /// token and the startup user names that token (its <c>pct_&lt;id&gt;</c> user or its principal), else as below.
    /// </summary>
    public ValueTask<ClientAuthResult> AuthenticateAsync(StartupMessage startup, ClientConnection client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(startup);
        ArgumentNullException.ThrowIfNull(client);
        if (client.ClientCertificate is { TokenId: { } certificateTokenId } && ByCertificate(startup.User, certificateTokenId) is { } result)
        {
            return ValueTask.FromResult(result);
        }

        return AuthenticateAsync(startup, client.Transport, client.CleartextAllowed, client.ChannelBinding, cancellationToken);
    }

    /// <summary>
    /// PostgreSQL's <c>cert</c> method: the handshake already proved the client holds the certificate's key, so no
    /// password is asked for. Null when the startup user is not the one the certificate maps to (authenticate as usual).
    /// </summary>
    private ClientAuthResult? ByCertificate(string user, string tokenId)
    {
        if (!_tokens.TryGet(tokenId, out var token))
        {
            // The mapped token was revoked (or never issued): its certificate logs in no more.
            return user == ApiToken.UserNameFor(tokenId) ? ClientAuthResult.Refused(user, CertificateMethod, "certificate maps to an unknown token") : null;
        }

        if (user != ApiToken.UserNameFor(tokenId) && user != token.Principal)
        {
            return null;
        }

        return token.IsExpired(_time.GetUtcNow())
            ? ClientAuthResult.Refused(user, CertificateMethod, "token expired")
            : ClientAuthResult.Authenticated(token, CertificateMethod);
    }

    /// <param name="channelBinding">The TLS connection's channel binding; offers SCRAM-SHA-256-PLUS when given.</param>
    public async ValueTask<ClientAuthResult> AuthenticateAsync(
        StartupMessage startup,
        IDuplexPipe client,
        bool cleartextAllowed,
        ScramChannelBinding? channelBinding,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(startup);
        var user = startup.User;
        var known = _tokens.TryGet(ApiToken.NormalizeUserToId(user), out var token);
        if (!known && cleartextAllowed)
        {
            return await CleartextAsync(user, client, cancellationToken).ConfigureAwait(false);
        }

        return await ScramAsync(user, token, client, channelBinding, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<ClientAuthResult> ScramAsync(
        string user,
        TokenRecord? token,
        IDuplexPipe client,
        ScramChannelBinding? channelBinding,
        CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var secrets = token?.ActiveSecrets(now);
        var verifiers = secrets is null ? null : TokenRecord.ScramVerifiersOf(secrets); // same order: the matched index finds the secret
        // Same exchange shape for unknown tokens, mechanisms included: nothing to probe.
        var exchange = (verifiers, channelBinding) switch
        {
            ({ Count: > 0 }, null) => new ScramServerExchange(verifiers),
            ({ Count: > 0 }, not null) => new ScramServerExchange(verifiers, channelBinding),
            _ => ScramServerExchange.ForUnknownUser(user, channelBinding),
        };

        BackendMessages.WriteAuthenticationSasl(client.Output, exchange.Mechanisms);
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

        if (!exchange.Mechanisms.Contains(mechanism))
        {
            throw new ProtocolViolationException("client selected an invalid SASL authentication mechanism");
        }

        var method = mechanism == ScramServerExchange.PlusMechanism ? ScramPlusMethod : ScramMethod;
        switch (exchange.HandleClientFirst(mechanism, clientFirst, out var serverFirst))
        {
            case ScramResult.Continue:
                break;
            case ScramResult.Failed:
                // "y": the client could bind but saw no -PLUS in our list. We offered it, so the list was tampered with.
                throw new ProtocolViolationException("SCRAM channel binding negotiation error");
            default:
                throw new ProtocolViolationException("malformed SCRAM message");
        }

        BackendMessages.WriteAuthenticationSaslContinue(client.Output, serverFirst);
        await client.Output.FlushAsync(cancellationToken).ConfigureAwait(false);

        var response = await ReadPasswordMessageAsync(client.Input, cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            return ClientAuthResult.Abandoned(method);
        }

        var result = exchange.HandleClientFinal(FrontendReaders.ReadSaslResponse(response.Value.Body), out var serverFinal);
        if (result == ScramResult.Malformed)
        {
            throw new ProtocolViolationException("malformed SCRAM message");
        }

        if (result != ScramResult.Success || token is null)
        {
            // A wrong proof and a wrong channel binding look the same from here; either way the client is refused.
            return ClientAuthResult.Refused(user, method, token is null ? "unknown token" : "wrong secret or channel binding");
        }

        if (token.IsExpired(now))
        {
            return ClientAuthResult.Refused(user, method, "token expired");
        }

        BackendMessages.WriteAuthenticationSaslFinal(client.Output, serverFinal);
        return ClientAuthResult.Authenticated(token, method, secrets![exchange.MatchedVerifierIndex]);
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
        if (_external is not null && !ApiToken.TryParse(presented, out _) && _external.Recognizes(presented))
        {
            var external = await _external.AuthenticateAsync(presented, cancellationToken).ConfigureAwait(false);
            return external.Identity is { } identity
                ? ClientAuthResult.Authenticated(identity, JwtMethod)
                : ClientAuthResult.Refused(user, JwtMethod, external.Failure ?? "invalid credential");
        }

        if (!ApiToken.TryParse(presented, out var id) || !_tokens.TryGet(id, out var token))
        {
            return ClientAuthResult.Refused(user, CleartextMethod, "unknown token");
        }

        if (token.MatchCleartext(presented, now) is not { } secret)
        {
            return ClientAuthResult.Refused(user, CleartextMethod, "wrong secret");
        }

        return token.IsExpired(now)
            ? ClientAuthResult.Refused(user, CleartextMethod, "token expired")
            : ClientAuthResult.Authenticated(token, CleartextMethod, secret);
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
