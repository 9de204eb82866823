using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using ProxyCluster.Protocol.Backend;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Framing;
using ProxyCluster.Protocol.Frontend;
using ProxyCluster.Protocol.Scram;
using ProxyCluster.Sessions.Relay;

namespace ProxyCluster.Sessions.Upstream;

/// <summary>
/// The proxy's side of PostgreSQL's startup as a client: StartupMessage with the route's role, authentication
/// with the injected password (SCRAM-SHA-256; MD5 and cleartext when the server asks for them), then collecting
/// ParameterStatus and BackendKeyData until ReadyForQuery.
/// </summary>
internal static class UpstreamHandshake
{
    private const int MaxStartupMessageLength = 64 * 1024;

    /// <summary>Shared by every upstream login of this process: PBKDF2 once per role password, not once per connection.</summary>
    private static readonly ScramClientKeyCache KeyCache = new();

    /// <summary>Returns null on success, or the error for the client.</summary>
    public static async ValueTask<PostgresError?> RunAsync(
        UpstreamConnection connection,
        string database,
        IReadOnlyList<KeyValuePair<string, string>> startupParameters,
        CancellationToken cancellationToken)
    {
        var route = connection.Route;
        var parameters = new List<KeyValuePair<string, string>>(startupParameters.Count + 2)
        {
            new("user", route.User),
            new("database", database),
        };
        parameters.AddRange(startupParameters);
        FrontendMessages.WriteStartupMessage(connection.Output, parameters);
        await connection.Output.FlushAsync(cancellationToken).ConfigureAwait(false);

        ScramClientExchange? scram = null;
        while (true)
        {
            var message = await HandshakeMessage.ReadAsync(connection.Input, MaxStartupMessageLength, cancellationToken).ConfigureAwait(false)
                ?? throw new IOException("upstream closed the connection during startup");
            switch ((BackendCode)message.Code)
            {
                case BackendCode.Authentication:
                    var failure = Authenticate(connection, message, ref scram);
                    if (failure is not null)
                    {
                        return failure;
                    }

                    await connection.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case BackendCode.ParameterStatus:
                    if (BackendReaders.TryReadParameterStatus(message.Body, out var name, out var value))
                    {
                        connection.ParameterStatuses.Add(new(name, value));
                    }

                    break;
                case BackendCode.BackendKeyData:
                    if (BackendReaders.TryReadBackendKeyData(message.Body, out var processId, out var secretKey))
                    {
                        connection.CancelKey = new CancelRequest(processId, secretKey);
                    }

                    break;
                case BackendCode.ReadyForQuery:
                    return null;
                case BackendCode.ErrorResponse:
                    ErrorResponseReader.TryRead(message.Body, out var error);
                    return Refused(connection, error);
                case BackendCode.NoticeResponse:
                case BackendCode.NegotiateProtocolVersion:
                    break;
                default:
                    throw new ProtocolViolationException($"unexpected message '{(char)message.Code}' during upstream startup");
            }
        }
    }

    private static PostgresError? Authenticate(UpstreamConnection connection, HandshakeMessage message, ref ScramClientExchange? scram)
    {
        if (!BackendReaders.TryReadAuthenticationCode(message.Body, out var code))
        {
            throw new ProtocolViolationException("malformed authentication request");
        }

        var route = connection.Route;
        switch (code)
        {
            case AuthenticationCode.Ok:
                return null;
            case AuthenticationCode.CleartextPassword:
                FrontendMessages.WritePasswordMessage(connection.Output, RequirePassword(connection));
                return null;
            case AuthenticationCode.Md5Password:
                var salt = BackendReaders.AuthenticationData(message.Body).ToArray();
                FrontendMessages.WritePasswordMessage(connection.Output, Md5Response(route.User, RequirePassword(connection), salt));
                return null;
            case AuthenticationCode.Sasl:
                if (!BackendReaders.TryReadSaslMechanisms(message.Body, out var mechanisms) || !mechanisms.Contains(ScramServerExchange.Mechanism))
                {
                    return TcpUpstreamConnector.Unreachable(route, "server offers no supported SASL mechanism");
                }

                scram = new ScramClientExchange(RequirePassword(connection), KeyCache);
                FrontendMessages.WriteSaslInitialResponse(connection.Output, ScramServerExchange.Mechanism, scram.CreateClientFirstMessage());
                return null;
            case AuthenticationCode.SaslContinue when scram is not null:
                if (!scram.TryCreateClientFinalMessage(BackendReaders.AuthenticationData(message.Body).ToArray(), out var clientFinal))
                {
                    return TcpUpstreamConnector.Unreachable(route, "invalid SCRAM exchange");
                }

                FrontendMessages.WriteSaslResponse(connection.Output, clientFinal);
                return null;
            case AuthenticationCode.SaslFinal when scram is not null:
                // A server that cannot prove it knows the verifier is not the server we meant to reach.
                return scram.VerifyServerFinalMessage(BackendReaders.AuthenticationData(message.Body).ToArray())
                    ? null
                    : TcpUpstreamConnector.Unreachable(route, "server failed SCRAM verification");
            default:
                return TcpUpstreamConnector.Unreachable(route, $"unsupported authentication method {code}");
        }
    }

    private static string RequirePassword(UpstreamConnection connection) =>
        connection.Route.Password.Read() ?? throw new IOException("no upstream password configured");

    /// <summary>"md5" + md5(md5(password + user) + salt), as PostgreSQL's md5 method defines it.</summary>
    private static string Md5Response(string user, string password, byte[] salt)
    {
#pragma warning disable CA5351 // MD5 is what the server asked for; the proxy does not choose it.
        var inner = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(password + user)));
        var outer = MD5.HashData([.. Encoding.ASCII.GetBytes(inner), .. salt]);
#pragma warning restore CA5351
        return "md5" + Convert.ToHexStringLower(outer);
    }

    private static PostgresError Refused(UpstreamConnection connection, PostgresError? error)
    {
        // Authentication refusals upstream are the operator's problem, not the client's: report 08006 with the
        // server's message (which names the role, never the password).
        var reason = error is null ? "server refused the connection" : $"{error.SqlState} {error.Message}";
        if (error is not null && error.SqlState == SqlState.InvalidCatalogName)
        {
            return PostgresError.Fatal(SqlState.InvalidCatalogName, error.Message);
        }

        return TcpUpstreamConnector.Unreachable(connection.Route, reason);
    }
}
