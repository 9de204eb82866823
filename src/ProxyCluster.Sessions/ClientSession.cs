using ProxyCluster.Protocol.Backend;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Frontend;
using ProxyCluster.Sessions.Audit;
using ProxyCluster.Sessions.Auth;
using ProxyCluster.Sessions.Cancel;
using ProxyCluster.Sessions.Lifecycle;
using ProxyCluster.Sessions.Policy;
using ProxyCluster.Sessions.Routing;
using ProxyCluster.Sessions.Startup;
using ProxyCluster.Sessions.Upstream;
using ProxyCluster.Tokens;

namespace ProxyCluster.Sessions;

/// <summary>
/// One client connection from its first byte to its last: negotiate, authenticate the token, connect upstream with
/// the route's credentials, greet the client as a server would, then relay until either side ends it or the node
/// tells it to stop. Every expected failure becomes the FATAL error PostgreSQL would send; nothing here throws to
/// the host except cancellation of the host itself.
/// </summary>
public sealed class ClientSession
{
    private readonly SessionServices _services;
    private readonly ClientConnection _client;
    private readonly ClientAuthenticator _authenticator;
    private readonly long _sessionNumber;
    private readonly SessionEvents _events;

    public ClientSession(SessionServices services, ClientConnection client)
    {
        _services = services;
        _client = client;
        _authenticator = new ClientAuthenticator(services.Tokens, services.Time, services.External);
        _sessionNumber = services.Sessions.NextId();
        _events = new SessionEvents(services, client, _sessionNumber);
    }

    public async Task RunAsync(CancellationToken connectionClosed)
    {
        var opened = await OpenAsync(connectionClosed).ConfigureAwait(false);
        if (opened is null)
        {
            return;
        }

        var (token, method, database, upstream, gate, secret) = opened;
        await using (upstream.ConfigureAwait(false))
        {
            var key = _services.CancelKeys.Mint(new Cancel.CancelTarget(upstream.Route, upstream.CancelKey));
            var handle = new SessionHandle(_sessionNumber, token.Id, token.Principal, database, _client.RemoteAddress, _services.Time.GetUtcNow())
            {
                ExpiresAt = token.IsExternal ? token.ExpiresAt : null,
                Secret = secret,
            };
            _services.Sessions.Register(handle);
            _events.Relaying();
            _services.Metrics?.Active.Inc();
            var reason = "session failed";
            try
            {
                SessionLog.Started(_services.Logger, handle.Id, token.Id, token.Principal, _client.RemoteAddress, database, method);
                Greet(upstream, key);
                // A revocation that landed between authentication and registration would otherwise miss this session.
                if (TokenStillValid(token, secret) is { } revoked)
                {
                    handle.Post(new TerminateSession(revoked, revoked.Message));
                }

                var ledger = _services.Audit is not null || _services.Metrics is not null
                    ? new StatementLedger(_events.Identity(token, database), _services.Audit, _services.Metrics, _services.Time)
                    : null;
                var relay = new SessionRelay(_services, _client, upstream, handle, gate, ledger);
                reason = await relay.RunAsync(connectionClosed).ConfigureAwait(false);
                _services.Metrics?.Relayed(relay.BytesToServer, relay.BytesToClient);
                SessionLog.Ended(_services.Logger, handle.Id, reason);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !connectionClosed.IsCancellationRequested)
            {
                SessionLog.Failed(_services.Logger, handle.Id, exception.GetType().Name, exception.Message);
            }
            finally
            {
                _services.Metrics?.Active.Dec();
                _events.Terminated(reason);
                _services.Sessions.Unregister(handle);
                _services.CancelKeys.Release(key);
            }
        }
    }

    /// <summary>Everything up to an authenticated client and a ready upstream; null when the connection is already done.</summary>
    private async Task<OpenedSession?> OpenAsync(CancellationToken connectionClosed)
    {
        using var authentication = CancellationTokenSource.CreateLinkedTokenSource(connectionClosed);
        authentication.CancelAfter(_services.Limits.AuthenticationTimeout);
        try
        {
            var negotiation = await StartupNegotiator.NegotiateAsync(_client.Transport, _services.Limits.MaxStartupPacketLength, _client.IsSecure, authentication.Token).ConfigureAwait(false);
            switch (negotiation.Kind)
            {
                case NegotiationKind.Closed:
                    return null;
                case NegotiationKind.Cancel:
                    await ForwardCancelAsync(negotiation.CancelKey, connectionClosed).ConfigureAwait(false);
                    return null;
            }

            var startup = negotiation.Startup!;
            _events.Connected();
            if (TransportRequirement.Check(_client, startup) is { } insecure)
            {
                return await RefuseAsync(insecure).ConfigureAwait(false);
            }

            if (negotiation.NeedsProtocolNegotiation)
            {
                BackendMessages.WriteNegotiateProtocolVersion(_client.Transport.Output, 0, negotiation.UnrecognizedProtocolOptions);
            }

            var parameters = StartupParameterFilter.Filter(startup.Parameters, out var refusal);
            if (refusal is not null)
            {
                return await RefuseAsync(refusal).ConfigureAwait(false);
            }

            // An address still serving a penalty waits for its end before its credentials are even asked for, so a
            // guesser that hangs up instead of waiting for a slowed refusal learns nothing sooner.
            if (_services.AuthenticationThrottle?.HoldBeforeAttempt(_client.RemoteIp) is { } hold && hold > TimeSpan.Zero)
            {
                await Task.Delay(hold, _services.Time, authentication.Token).ConfigureAwait(false);
            }

            var auth = await _authenticator.AuthenticateAsync(startup, _client, authentication.Token).ConfigureAwait(false);
            if (auth.IsAbandoned)
            {
                return null;
            }

            if (!auth.Succeeded)
            {
                var delay = _services.AuthenticationThrottle?.RecordFailure(_client.RemoteIp) ?? TimeSpan.Zero;
                SessionLog.AuthenticationFailed(_services.Logger, startup.User, _client.RemoteAddress, auth.Method, auth.Reason, (long)delay.TotalMilliseconds);
                _events.AuthenticationFailed(startup.User, auth.Method, auth.Reason, auth.Error!);
                await DelayRefusalAsync(delay, authentication.Token, connectionClosed).ConfigureAwait(false);
                return await RefuseAsync(auth.Error!, recorded: true).ConfigureAwait(false);
            }

            _events.Authenticated(auth.Token, auth.Method, startup.Database);

            // Like the server, say whether a database exists only to a client that has authenticated.
            var database = startup.Database;
            if (!_services.Routes.TryGetRoute(database, out var route))
            {
                return await RefuseAsync(PostgresError.Fatal(SqlState.InvalidCatalogName, $"database \"{database}\" does not exist")).ConfigureAwait(false);
            }

            if (!auth.Token.AllowsRoute(database))
            {
                return await RefuseAsync(PostgresError.Fatal(
                    SqlState.InsufficientPrivilege,
                    $"permission denied for database \"{database}\"",
                    detail: "This token is not allowed to connect to this database.")).ConfigureAwait(false);
            }

            var gate = _services.Policy?.GateFor(auth.Token);
            // Counted before connecting upstream: a token over its limit never costs the server a backend. Two
            // logins at the same instant can both pass, so the limit may be exceeded by the few racing it.
            if (gate?.MaxConnectionsPerNode is { } limit && _services.Sessions.SessionsOf(auth.Token.Id).Count >= limit)
            {
                return await RefuseAsync(PostgresError.Fatal(
                    SqlState.TooManyConnections,
                    $"too many connections for token \"{auth.Token.Id}\"",
                    detail: $"Its policy allows {limit} at a time on each proxy node.")).ConfigureAwait(false);
            }

            // The policy resolves unqualified names against its search_path; pin that (or the route's) for the session.
            if ((gate?.SearchPath ?? route.SearchPath) is { } searchPath)
            {
                parameters = [.. parameters, new("search_path", searchPath)];
            }

            var connected = await _services.Upstream.ConnectAsync(route, route.UpstreamDatabase(database), parameters, connectionClosed).ConfigureAwait(false);
            _services.Metrics?.UpstreamConnect(connected.Succeeded);
            if (!connected.Succeeded)
            {
                return await RefuseAsync(connected.Error).ConfigureAwait(false);
            }

            return new OpenedSession(auth.Token, auth.Method, database, connected.Connection, gate, auth.Secret);
        }
        catch (OperationCanceledException) when (authentication.IsCancellationRequested && !connectionClosed.IsCancellationRequested)
        {
            return await RefuseAsync(PostgresError.Fatal(SqlState.QueryCanceled, "canceling authentication due to timeout")).ConfigureAwait(false);
        }
        catch (ProtocolViolationException violation)
        {
            return await RefuseAsync(PostgresError.Fatal(violation.SqlState, violation.Message)).ConfigureAwait(false);
        }
    }

    /// <summary>Holds a failed attempt's refusal for its penalty; the authentication timeout cuts it short, and the answer is still the refusal.</summary>
    private async Task DelayRefusalAsync(TimeSpan delay, CancellationToken authentication, CancellationToken connectionClosed)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.Delay(delay, _services.Time, authentication).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!connectionClosed.IsCancellationRequested)
        {
        }
    }

    /// <param name="recorded">True when the refusal is already in the audit trail (a failed authentication, with its reason).</param>
    private async Task<OpenedSession?> RefuseAsync(PostgresError error, bool recorded = false)
    {
        SessionLog.Refused(_services.Logger, _client.RemoteAddress, error.SqlState, error.Message);
        if (!recorded)
        {
            _events.Refused(error);
        }

        await ClientGoodbye.SendAsync(_client.Transport.Output, error, _services.Limits.GoodbyeTimeout).ConfigureAwait(false);
        return null;
    }

    private sealed record OpenedSession(TokenRecord Token, string Method, string Database, UpstreamConnection Upstream, IStatementGate? Gate, TokenSecretVerifier? Secret);

    /// <summary>What a server sends after authentication: AuthenticationOk, its settings, the (minted) cancel key, ReadyForQuery.</summary>
    private void Greet(UpstreamConnection upstream, CancelRequest key)
    {
        var output = _client.Transport.Output;
        BackendMessages.WriteAuthenticationOk(output);
        foreach (var (name, value) in upstream.ParameterStatuses)
        {
            BackendMessages.WriteParameterStatus(output, name, value);
        }

        BackendMessages.WriteBackendKeyData(output, key.ProcessId, key.SecretKey);
        BackendMessages.WriteReadyForQuery(output, TransactionStatus.Idle);
        // Flushed by the relay's first pass, or below by the goodbye if the session ends at once.
    }

    private PostgresError? TokenStillValid(TokenRecord token, TokenSecretVerifier? secret)
    {
        // An external identity is never in the registry: it is as its credential said, unless revoked since.
        var current = token;
        if (token.IsExternal ? _services.External?.IsRevoked(token) == true : !_services.Tokens.TryGet(token.Id, out current))
        {
            return TokenTerminations.Revoked;
        }

        var now = _services.Time.GetUtcNow();
        if (current.IsExpired(now))
        {
            return TokenTerminations.Expired;
        }

        return secret is not null && !current.StillAccepts(secret, now) ? TokenTerminations.SecretRetired : null;
    }

    /// <summary>The server answers a CancelRequest with nothing but closing; so does the proxy, whatever the outcome.</summary>
    private async Task ForwardCancelAsync(CancelRequest presented, CancellationToken connectionClosed)
    {
        var outcome = await CancelDelivery.FromClientAsync(_services, presented, connectionClosed).ConfigureAwait(false);
        SessionLog.CancelRequested(_services.Logger, _client.RemoteAddress, presented.ProcessId, outcome);
    }
}
