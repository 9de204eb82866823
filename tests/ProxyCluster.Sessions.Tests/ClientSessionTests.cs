using System.Buffers;
using ProxyCluster.Protocol.Backend;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Framing;
using ProxyCluster.Protocol.Frontend;
using ProxyCluster.Sessions.Cancel;
using ProxyCluster.Sessions.Lifecycle;
using ProxyCluster.Sessions.Tests.Support;
using ProxyCluster.Tokens;

namespace ProxyCluster.Sessions.Tests;

/// <summary>
/// Whole sessions, byte by byte: a client that speaks SCRAM with a minted token, the session, and a scripted
/// upstream server behind it.
/// </summary>
public class ClientSessionTests
{
    private static readonly byte[] SelectOne = Wire.Written(w => FrontendMessages.WriteQuery(w, "SELECT 1"));
    private static readonly byte[] Terminate = Wire.Written(FrontendMessages.WriteTerminate);

    [Fact]
    public async Task RunAsync_ScramAuthenticated_GreetsWithAuthOkServerParametersMintedKeyAndReadyForQuery()
    {
        await using var harness = new SessionHarness();
        var connection = harness.Connect();

        var scram = await connection.SendScramProofAsync(harness.User, SessionHarness.Database, harness.Secret);
        await connection.ExpectSaslFinalAsync(scram);
        var greeting = await connection.ReadGreetingAsync();

        var keyData = Assert.Single(greeting, message => message[0] == (byte)BackendCode.BackendKeyData);
        var minted = new CancelRequest(Wire.Int32At(keyData, 5), Wire.Int32At(keyData, 9));
        var expected = Wire.Written(w =>
        {
            BackendMessages.WriteAuthenticationOk(w);
            foreach (var (name, value) in ScriptedUpstream.ServerParameters)
            {
                BackendMessages.WriteParameterStatus(w, name, value);
            }

            BackendMessages.WriteBackendKeyData(w, minted.ProcessId, minted.SecretKey);
            BackendMessages.WriteReadyForQuery(w, TransactionStatus.Idle);
        });
        Assert.Equal(expected, greeting.SelectMany(message => message).ToArray());

        // The key is the proxy's own, and leads back to the upstream's.
        Assert.NotEqual(ScriptedUpstream.ServerKey.ProcessId, minted.ProcessId);
        Assert.Equal(SessionHarness.NodeOrdinal, CancelKeyRegistry.OwnerOf(minted));
        Assert.Equal(new CancelTarget(harness.Route, ScriptedUpstream.ServerKey), harness.CancelKeys.Resolve(minted));

        // Upstream got the route's database and only the filtered startup parameters.
        Assert.Equal(1, harness.Upstream.ConnectAttempts);
        Assert.Equal(SessionHarness.UpstreamDatabase, harness.Upstream.Database);
        Assert.Equal([new("application_name", "tests"), new("client_encoding", "UTF8")], harness.Upstream.StartupParameters);
    }

    [Fact]
    public async Task RunAsync_Query_ReachesServerByteForByteAndItsReplyReachesClient()
    {
        await using var harness = new SessionHarness();
        var connection = harness.Connect();
        await connection.OpenAsync(harness.User, harness.Secret);
        var server = await harness.Upstream.ServerAsync();

        await connection.Client.SendAsync(SelectOne);
        Assert.Equal(SelectOne, await server.ReadMessageAsync());

        var reply = Wire.Written(w =>
        {
            w.Write(Wire.Message('T', 27)); // RowDescription: relayed unread, whatever it holds
            w.Write(Wire.Message('D', 11));
            BackendMessages.WriteCommandComplete(w, "SELECT 1");
            BackendMessages.WriteReadyForQuery(w, TransactionStatus.Idle);
        });
        await server.SendAsync(reply);

        Assert.Equal(reply, await connection.Client.ReadBytesAsync(reply.Length));
    }

    [Fact]
    public async Task RunAsync_ClientTerminate_ForwardedToServerAndSessionEnds()
    {
        await using var harness = new SessionHarness();
        var connection = harness.Connect();
        await connection.OpenAsync(harness.User, harness.Secret);
        var server = await harness.Upstream.ServerAsync();

        await connection.Client.SendAsync(Terminate);

        Assert.Equal(Terminate, await server.ReadMessageAsync());
        await server.ExpectEndAsync();
        await connection.SessionEndedAsync();
        await connection.Client.ExpectEndAsync();
        await harness.Upstream.Closed.WaitAsync(Wire.Timeout);
        Assert.Equal(0, harness.Sessions.Count);
        Assert.Equal(0, harness.CancelKeys.Count);
    }

    [Fact]
    public async Task RunAsync_TerminateSessionPosted_ClientGetsOneFatalThenEndOfStream()
    {
        await using var harness = new SessionHarness();
        var connection = harness.Connect();
        var key = await connection.OpenAsync(harness.User, harness.Secret);
        var server = await harness.Upstream.ServerAsync();
        var handle = Assert.Single(harness.Sessions.SessionsOf(harness.TokenId));
        Assert.Equal(1, harness.CancelKeys.Count);
        var revoked = PostgresError.Fatal(SqlState.AdminShutdown, "terminating connection because the token was revoked");

        Assert.True(handle.Post(new TerminateSession(revoked, "revoked by test")));

        var error = Wire.Error(await connection.Client.ReadMessageAsync());
        Assert.Equal("FATAL", error.Severity);
        Assert.Equal(SqlState.AdminShutdown, error.SqlState);
        Assert.Equal(revoked.Message, error.Message);
        await connection.Client.ExpectEndAsync();
        await connection.SessionEndedAsync();
        Assert.Equal(Terminate, await server.ReadMessageAsync()); // the proxy ends the server session as a client would
        await server.ExpectEndAsync();

        Assert.Empty(harness.Sessions.SessionsOf(harness.TokenId));
        Assert.Equal(0, harness.Sessions.Count);
        Assert.Equal(0, harness.CancelKeys.Count);
        Assert.Null(harness.CancelKeys.Resolve(key));
        Assert.False(handle.Post(new TerminateSession(revoked, "too late")));
    }

    [Fact]
    public async Task RunAsync_DrainWhileIdle_EndsAtOnce_WithoutCancellingAnything()
    {
        await using var harness = new SessionHarness();
        var connection = harness.Connect();
        await connection.OpenAsync(harness.User, harness.Secret);
        var server = await harness.Upstream.ServerAsync();
        var handle = Assert.Single(harness.Sessions.SessionsOf(harness.TokenId));

        Assert.True(handle.Post(new DrainSession(PostgresError.Fatal(SqlState.AdminShutdown, "draining"), "test drain")));

        Assert.Equal("draining", Wire.Error(await connection.Client.ReadMessageAsync()).Message);
        await connection.Client.ExpectEndAsync();
        await connection.SessionEndedAsync();
        Assert.Equal(Terminate, await server.ReadMessageAsync());
        Assert.Empty(harness.Upstream.CancelRequests);
    }

    [Fact]
    public async Task RunAsync_DrainInsideATransaction_EndsOnlyAfterTheTransaction()
    {
        await using var harness = new SessionHarness();
        var connection = harness.Connect();
        await connection.OpenAsync(harness.User, harness.Secret);
        var server = await harness.Upstream.ServerAsync();
        var handle = Assert.Single(harness.Sessions.SessionsOf(harness.TokenId));
        byte[] begin = Wire.Written(w => FrontendMessages.WriteQuery(w, "BEGIN"));
        byte[] commit = Wire.Written(w => FrontendMessages.WriteQuery(w, "COMMIT"));

        await connection.Client.SendAsync(begin);
        Assert.Equal(begin, await server.ReadMessageAsync());
        await server.SendAsync(w =>
        {
            BackendMessages.WriteCommandComplete(w, "BEGIN");
            BackendMessages.WriteReadyForQuery(w, TransactionStatus.InTransaction);
        });
        await connection.Client.ReadMessageAsync();
        Assert.Equal((byte)'T', (await connection.Client.ReadMessageAsync())[5]);

        Assert.True(handle.Post(new DrainSession(PostgresError.Fatal(SqlState.AdminShutdown, "draining"), "test drain")));

        // The transaction goes on: its COMMIT is relayed and answered, and only then does the session end.
        await connection.Client.SendAsync(commit);
        Assert.Equal(commit, await server.ReadMessageAsync());
        await server.SendAsync(w =>
        {
            BackendMessages.WriteCommandComplete(w, "COMMIT");
            BackendMessages.WriteReadyForQuery(w, TransactionStatus.Idle);
        });
        Assert.Equal((byte)'C', (await connection.Client.ReadMessageAsync())[0]);
        Assert.Equal((byte)'I', (await connection.Client.ReadMessageAsync())[5]);
        Assert.Equal("draining", Wire.Error(await connection.Client.ReadMessageAsync()).Message);
        await connection.Client.ExpectEndAsync();
        await connection.SessionEndedAsync();
        Assert.Empty(harness.Upstream.CancelRequests);
    }

    [Fact]
    public async Task RunAsync_TerminateSessionMidServerMessage_NoErrorIsSplicedIntoIt()
    {
        await using var harness = new SessionHarness();
        var connection = harness.Connect();
        await connection.OpenAsync(harness.User, harness.Secret);
        var server = await harness.Upstream.ServerAsync();
        var dataRow = Wire.Message('D', 5_000);
        await server.SendAsync(dataRow[..1_000]);
        Assert.Equal(dataRow[..1_000], await connection.Client.ReadBytesAsync(1_000));

        var handle = Assert.Single(harness.Sessions.SessionsOf(harness.TokenId));
        Assert.True(handle.Post(new TerminateSession(PostgresError.Fatal(SqlState.AdminShutdown, "bye"), "test")));

        // Half a DataRow followed by an ErrorResponse would be garbage to the client: it only sees the stream end.
        await connection.SessionEndedAsync();
        await connection.Client.ExpectEndAsync();
        Assert.Equal(0, harness.Sessions.Count);
        Assert.Equal(0, harness.CancelKeys.Count);
    }

    [Fact]
    public async Task RunAsync_WrongTokenSecret_Refused28P01WithoutConnectingUpstream()
    {
        await using var harness = new SessionHarness();
        var connection = harness.Connect();
        var sameIdOtherSecret = ApiToken.MintWithId(harness.TokenId);

        await connection.SendScramProofAsync(harness.User, SessionHarness.Database, sameIdOtherSecret);

        var error = Wire.Error(await connection.Client.ReadMessageAsync());
        Assert.Equal("FATAL", error.Severity);
        Assert.Equal(SqlState.InvalidPassword, error.SqlState);
        Assert.Equal($"password authentication failed for user \"{harness.User}\"", error.Message);
        await connection.Client.ExpectEndAsync();
        await connection.SessionEndedAsync();
        Assert.Equal(0, harness.Upstream.ConnectAttempts);
        Assert.Equal(0, harness.Sessions.Count);
        Assert.Equal(0, harness.CancelKeys.Count);
    }

    [Fact]
    public async Task RunAsync_UnknownToken_Refused28P01WithoutConnectingUpstream()
    {
        await using var harness = new SessionHarness();
        var connection = harness.Connect();
        var strangersToken = ApiToken.Mint(out var strangersId);

        await connection.SendScramProofAsync(ApiToken.UserNameFor(strangersId), SessionHarness.Database, strangersToken);

        Assert.Equal(SqlState.InvalidPassword, Wire.Error(await connection.Client.ReadMessageAsync()).SqlState);
        await connection.Client.ExpectEndAsync();
        Assert.Equal(0, harness.Upstream.ConnectAttempts);
    }

    [Fact]
    public async Task RunAsync_UnknownDatabase_Refused3D000OnlyAfterAuthentication()
    {
        await using var harness = new SessionHarness();
        var connection = harness.Connect();

        var scram = await connection.SendScramProofAsync(harness.User, "nope", harness.Secret);

        await connection.ExpectSaslFinalAsync(scram);
        var error = Wire.Error(await connection.Client.ReadMessageAsync());
        Assert.Equal("FATAL", error.Severity);
        Assert.Equal(SqlState.InvalidCatalogName, error.SqlState);
        Assert.Equal("database \"nope\" does not exist", error.Message);
        await connection.Client.ExpectEndAsync();
        await connection.SessionEndedAsync();
        Assert.Equal(0, harness.Upstream.ConnectAttempts);
    }

    [Fact]
    public async Task RunAsync_ClientSendsNothing_AuthenticationTimesOutWith57014()
    {
        await using var harness = new SessionHarness(new SessionLimits { AuthenticationTimeout = TimeSpan.FromMilliseconds(200) });
        var connection = harness.Connect();

        var error = Wire.Error(await connection.Client.ReadMessageAsync());

        Assert.Equal("FATAL", error.Severity);
        Assert.Equal(SqlState.QueryCanceled, error.SqlState);
        await connection.Client.ExpectEndAsync();
        await connection.SessionEndedAsync();
        Assert.Equal(0, harness.Upstream.ConnectAttempts);
    }

    [Fact]
    public async Task RunAsync_ForbiddenStartupParameter_Refused42501BeforeAuthentication()
    {
        await using var harness = new SessionHarness();
        var connection = harness.Connect();

        await connection.Client.SendAsync(w => FrontendMessages.WriteStartupMessage(w, [new("user", harness.User), new("database", "app"), new("options", "-c role=postgres")]));

        var error = Wire.Error(await connection.Client.ReadMessageAsync());
        Assert.Equal(SqlState.InsufficientPrivilege, error.SqlState);
        Assert.Contains("\"options\"", error.Message, StringComparison.Ordinal);
        await connection.Client.ExpectEndAsync();
        Assert.Equal(0, harness.Upstream.ConnectAttempts);
    }

    [Fact]
    public async Task RunAsync_CancelRequestWithMintedKey_ForwardsTheUpstreamKeyAndCloses()
    {
        await using var harness = new SessionHarness();
        var key = await harness.Connect().OpenAsync(harness.User, harness.Secret);
        var canceller = harness.Connect();

        await canceller.Client.SendAsync(w => FrontendMessages.WriteCancelRequest(w, key));

        await canceller.Client.ExpectEndAsync();
        await canceller.SessionEndedAsync();
        var forwarded = Assert.Single(harness.Upstream.CancelRequests);
        Assert.Equal((harness.Route, ScriptedUpstream.ServerKey), forwarded);
    }

    [Fact]
    public async Task RunAsync_CancelRequestWithWrongSecret_ForwardsNothingAndCloses()
    {
        await using var harness = new SessionHarness();
        var key = await harness.Connect().OpenAsync(harness.User, harness.Secret);
        var canceller = harness.Connect();

        await canceller.Client.SendAsync(w => FrontendMessages.WriteCancelRequest(w, key with { SecretKey = key.SecretKey ^ 0x40 }));

        await canceller.Client.ExpectEndAsync();
        await canceller.SessionEndedAsync();
        Assert.Empty(harness.Upstream.CancelRequests);
    }

    [Fact]
    public async Task RunAsync_ProtocolViolationDuringStartup_OneFatal08P01()
    {
        await using var harness = new SessionHarness();
        var connection = harness.Connect();

        await connection.Client.SendAsync([0, 0, 0, 4, 0, 3, 0, 0]); // a startup packet claiming 4 bytes: shorter than its own header

        var error = Wire.Error(await connection.Client.ReadMessageAsync());
        Assert.Equal(SqlState.ProtocolViolation, error.SqlState);
        await connection.Client.ExpectEndAsync();
    }

    [Fact]
    public async Task RunAsync_Protocol32WithProtocolOption_NegotiatesDownTo30ThenAuthenticates()
    {
        await using var harness = new SessionHarness();
        var connection = harness.Connect();

        await connection.Client.SendAsync(Wire.StartupPacket((3 << 16) | 2, ("user", harness.User), ("database", "app"), ("_pq_.foo", "bar")));

        var negotiate = await connection.Client.ReadMessageAsync();
        Assert.Equal(Wire.Written(w => BackendMessages.WriteNegotiateProtocolVersion(w, 0, ["_pq_.foo"])), negotiate);
        await connection.ExpectSaslFinalAsync(await connection.ProveAsync(harness.Secret));
        Assert.Equal((byte)BackendCode.ReadyForQuery, (await connection.ReadGreetingAsync())[^1][0]);
        Assert.Equal([new("client_encoding", "UTF8")], harness.Upstream.StartupParameters);
    }

    [Fact]
    public async Task RunAsync_TokenRevokedWhileConnectingUpstream_GreetingThenOneFatal57P01()
    {
        await using var harness = new SessionHarness();
        harness.Upstream.OnConnect = () => harness.Tokens.Remove(harness.TokenId);
        var connection = harness.Connect();

        await connection.OpenAsync(harness.User, harness.Secret);

        var error = Wire.Error(await connection.Client.ReadMessageAsync());
        Assert.Equal("FATAL", error.Severity);
        Assert.Equal(SqlState.AdminShutdown, error.SqlState);
        await connection.Client.ExpectEndAsync();
        await connection.SessionEndedAsync();
        Assert.Equal(0, harness.Sessions.Count);
        Assert.Equal(0, harness.CancelKeys.Count);
    }

    [Fact]
    public async Task RunAsync_TokenNotAllowedOnRoute_Refused42501WithoutConnectingUpstream()
    {
        await using var harness = new SessionHarness(tokenRoutes: ["reporting"]);
        var connection = harness.Connect();

        var scram = await connection.SendScramProofAsync(harness.User, SessionHarness.Database, harness.Secret);

        await connection.ExpectSaslFinalAsync(scram);
        var error = Wire.Error(await connection.Client.ReadMessageAsync());
        Assert.Equal(SqlState.InsufficientPrivilege, error.SqlState);
        Assert.Equal("permission denied for database \"app\"", error.Message);
        await connection.Client.ExpectEndAsync();
        Assert.Equal(0, harness.Upstream.ConnectAttempts);
    }

    [Fact]
    public async Task RunAsync_ExpiredToken_Refused28P01WithoutConnectingUpstream()
    {
        await using var harness = new SessionHarness(tokenExpiresAt: DateTimeOffset.UtcNow.AddMinutes(-1));
        var connection = harness.Connect();

        await connection.SendScramProofAsync(harness.User, SessionHarness.Database, harness.Secret);

        Assert.Equal(SqlState.InvalidPassword, Wire.Error(await connection.Client.ReadMessageAsync()).SqlState);
        await connection.Client.ExpectEndAsync();
        Assert.Equal(0, harness.Upstream.ConnectAttempts);
    }

    [Fact]
    public async Task RunAsync_UpstreamUnreachable_ClientGetsTheConnectorsFatal()
    {
        await using var harness = new SessionHarness();
        harness.Upstream.Failure = PostgresError.Fatal(SqlState.ConnectionFailure, "could not connect to upstream server: connection refused");
        var connection = harness.Connect();

        await connection.ExpectSaslFinalAsync(await connection.SendScramProofAsync(harness.User, SessionHarness.Database, harness.Secret));

        var error = Wire.Error(await connection.Client.ReadMessageAsync());
        Assert.Equal(SqlState.ConnectionFailure, error.SqlState);
        Assert.Equal(harness.Upstream.Failure.Message, error.Message);
        await connection.Client.ExpectEndAsync();
        await connection.SessionEndedAsync();
        Assert.Equal(0, harness.Sessions.Count);
        Assert.Equal(0, harness.CancelKeys.Count);
    }

    [Fact]
    public async Task RunAsync_ClientClosesWithoutTerminate_SessionEndsAndUpstreamIsClosed()
    {
        await using var harness = new SessionHarness();
        var connection = harness.Connect();
        await connection.OpenAsync(harness.User, harness.Secret);
        var server = await harness.Upstream.ServerAsync();

        connection.Client.Close();

        Assert.Equal(Terminate, await server.ReadMessageAsync()); // the proxy ends the server session as a client would
        await server.ExpectEndAsync();
        await connection.SessionEndedAsync();
        await harness.Upstream.Closed.WaitAsync(Wire.Timeout);
        Assert.Equal(0, harness.Sessions.Count);
        Assert.Equal(0, harness.CancelKeys.Count);
    }

    [Fact]
    public async Task RunAsync_ClientSendsInvalidLength_OneFatal08P01AndNothingReachesServer()
    {
        await using var harness = new SessionHarness();
        var connection = harness.Connect();
        await connection.OpenAsync(harness.User, harness.Secret);
        var server = await harness.Upstream.ServerAsync();

        await connection.Client.SendAsync(Wire.Header('Q', 3));

        var error = Wire.Error(await connection.Client.ReadMessageAsync());
        Assert.Equal("FATAL", error.Severity);
        Assert.Equal(SqlState.ProtocolViolation, error.SqlState);
        await connection.Client.ExpectEndAsync();
        Assert.Equal(Terminate, await server.ReadMessageAsync()); // the proxy ends the server session as a client would
        await server.ExpectEndAsync();
        await connection.SessionEndedAsync();
    }

    [Fact]
    public async Task RunAsync_ServerSendsInvalidLength_ClientGetsOneFatal08P01()
    {
        await using var harness = new SessionHarness();
        var connection = harness.Connect();
        await connection.OpenAsync(harness.User, harness.Secret);
        var server = await harness.Upstream.ServerAsync();
        var complete = Wire.Written(w => BackendMessages.WriteCommandComplete(w, "SELECT 1"));

        await server.SendAsync([.. complete, .. Wire.Header('D', 2)]);

        Assert.Equal(complete, await connection.Client.ReadMessageAsync());
        var error = Wire.Error(await connection.Client.ReadMessageAsync());
        Assert.Equal("FATAL", error.Severity);
        Assert.Equal(SqlState.ProtocolViolation, error.SqlState);
        Assert.StartsWith("invalid message from upstream server", error.Message, StringComparison.Ordinal);
        await connection.Client.ExpectEndAsync();
        await connection.SessionEndedAsync();
        Assert.Equal(0, harness.CancelKeys.Count);
    }

    [Fact]
    public async Task RunAsync_ConnectionClosedDuringRelay_EndsWithoutBlamingTheUpstream()
    {
        await using var harness = new SessionHarness();
        var connection = harness.Connect();
        await connection.OpenAsync(harness.User, harness.Secret);
        var server = await harness.Upstream.ServerAsync();

        await connection.ConnectionLostAsync();

        // The upstream is fine; a "lost connection to upstream server" (08006) would be a false report.
        await connection.Client.ExpectEndAsync();
        await connection.SessionEndedAsync();
        Assert.Equal(Terminate, await server.ReadMessageAsync()); // the proxy ends the server session as a client would
        await server.ExpectEndAsync();
        Assert.Equal(0, harness.Sessions.Count);
        Assert.Equal(0, harness.CancelKeys.Count);
    }

    [Fact]
    public async Task RunAsync_ClientHangsUpDuringScram_EndsQuietly()
    {
        await using var harness = new SessionHarness();
        var connection = harness.Connect();
        await connection.SendStartupAsync(harness.User, SessionHarness.Database);
        Assert.Equal((byte)BackendCode.Authentication, (await connection.Client.ReadMessageAsync())[0]);

        connection.Client.Close(); // as psql does to prompt for a password

        await connection.Client.ExpectEndAsync();
        await connection.SessionEndedAsync();
        Assert.Equal(0, harness.Upstream.ConnectAttempts);
    }

    [Fact]
    public async Task RunAsync_CleartextAllowedAndUserIsNoTokenId_TakesTheTokenAsPassword()
    {
        await using var harness = new SessionHarness();
        var connection = harness.Connect(cleartextAllowed: true);
        await connection.SendStartupAsync("alice", SessionHarness.Database);

        Assert.Equal(Wire.Written(BackendMessages.WriteAuthenticationCleartextPassword), await connection.Client.ReadMessageAsync());
        await connection.Client.SendAsync(w => FrontendMessages.WritePasswordMessage(w, harness.Secret));

        var greeting = await connection.ReadGreetingAsync();
        Assert.Equal(Wire.Written(BackendMessages.WriteAuthenticationOk), greeting[0]);
        Assert.Single(harness.Sessions.SessionsOf(harness.TokenId));
    }

    [Fact]
    public async Task RunAsync_CleartextWithWrongSecret_Refused28P01()
    {
        await using var harness = new SessionHarness();
        var connection = harness.Connect(cleartextAllowed: true);
        await connection.SendStartupAsync("alice", SessionHarness.Database);
        await connection.Client.ReadMessageAsync();

        await connection.Client.SendAsync(w => FrontendMessages.WritePasswordMessage(w, ApiToken.MintWithId(harness.TokenId)));

        var error = Wire.Error(await connection.Client.ReadMessageAsync());
        Assert.Equal(SqlState.InvalidPassword, error.SqlState);
        Assert.Equal("password authentication failed for user \"alice\"", error.Message);
        await connection.Client.ExpectEndAsync();
        Assert.Equal(0, harness.Upstream.ConnectAttempts);
    }
}
