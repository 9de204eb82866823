using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;
using ProxyCluster.Protocol.Framing;
using ProxyCluster.Protocol.Frontend;
using ProxyCluster.Protocol.Scram;

namespace ProxyCluster.Sessions.Tests.Support;

/// <summary>One client connection: the test plays the client through <see cref="Client"/>.</summary>
internal sealed class ClientUnderTest : IAsyncDisposable
{
    private readonly Pipe _toProxy = new(DuplexPipe.ThreadPool);
    private readonly Pipe _toClient = new(DuplexPipe.ThreadPool);
    private readonly CancellationTokenSource _connectionClosed;

    public ClientUnderTest(SessionServices services, bool cleartextAllowed, CancellationToken hostStopping)
    {
        _connectionClosed = CancellationTokenSource.CreateLinkedTokenSource(hostStopping);
        Client = new Peer(_toClient.Reader, _toProxy.Writer);
        var connection = new ClientConnection(new DuplexPipe(_toProxy.Reader, _toClient.Writer), "203.0.113.7:50000", IsSecure: false, cleartextAllowed);
        Session = RunAsHostAsync(new ClientSession(services, connection), connection, _connectionClosed.Token);
    }

    public Peer Client { get; }

    /// <summary>The session, then what the host does after it: completing the connection's pipes (end-of-stream).</summary>
    public Task Session { get; }

    public async Task SessionEndedAsync() => await Session.WaitAsync(Wire.Timeout);

    /// <summary>What Kestrel signals through ConnectionClosed when the client's socket is gone (reset, or aborted by the host).</summary>
    public Task ConnectionLostAsync() => _connectionClosed.CancelAsync();

    public Task SendStartupAsync(string user, string database) =>
        Client.SendAsync(w => FrontendMessages.WriteStartupMessage(w, [new("user", user), new("database", database), new("application_name", "tests"), new("client_encoding", "UTF8")]));

    /// <summary>
    /// StartupMessage, then SCRAM-SHA-256 as libpq does it up to the client-final-message; returns the exchange so
    /// the caller can verify the server's final message (or see the refusal).
    /// </summary>
    public async Task<ScramClientExchange> SendScramProofAsync(string user, string database, string secret)
    {
        await SendStartupAsync(user, database);
        return await ProveAsync(secret);
    }

    /// <summary>From AuthenticationSASL to the client-final-message, once the startup packet is sent.</summary>
    public async Task<ScramClientExchange> ProveAsync(string secret)
    {
        var sasl = await Client.ReadMessageAsync();
        Assert.Equal((byte)BackendCode.Authentication, sasl[0]);
        Assert.Equal((int)AuthenticationCode.Sasl, Wire.Int32At(sasl, 5));
        Assert.Equal("SCRAM-SHA-256\0\0", Encoding.ASCII.GetString(sasl, 9, sasl.Length - 9));

        var scram = new ScramClientExchange(secret);
        await Client.SendAsync(w => FrontendMessages.WriteSaslInitialResponse(w, "SCRAM-SHA-256", scram.CreateClientFirstMessage()));

        var serverFirst = await Client.ReadMessageAsync();
        Assert.Equal((byte)BackendCode.Authentication, serverFirst[0]);
        Assert.Equal((int)AuthenticationCode.SaslContinue, Wire.Int32At(serverFirst, 5));
        Assert.True(scram.TryCreateClientFinalMessage(serverFirst.AsSpan(9), out var clientFinal));
        await Client.SendAsync(w => FrontendMessages.WriteSaslResponse(w, clientFinal));
        return scram;
    }

    /// <summary>Reads AuthenticationSASLFinal and checks the proxy proved it knows the token's verifier.</summary>
    public async Task ExpectSaslFinalAsync(ScramClientExchange scram)
    {
        var final = await Client.ReadMessageAsync();
        Assert.Equal((byte)BackendCode.Authentication, final[0]);
        Assert.Equal((int)AuthenticationCode.SaslFinal, Wire.Int32At(final, 5));
        Assert.True(scram.VerifyServerFinalMessage(final.AsSpan(9)));
    }

    /// <summary>Reads the greeting through ReadyForQuery: every message, in order, as sent.</summary>
    public async Task<List<byte[]>> ReadGreetingAsync()
    {
        var greeting = new List<byte[]>();
        while (true)
        {
            var message = await Client.ReadMessageAsync();
            greeting.Add(message);
            if (message[0] == (byte)BackendCode.ReadyForQuery)
            {
                return greeting;
            }
        }
    }

    /// <summary>Authenticates and reads the greeting; returns the cancel key the client was given.</summary>
    public async Task<CancelRequest> OpenAsync(string user, string secret, string database = SessionHarness.Database)
    {
        var scram = await SendScramProofAsync(user, database, secret);
        await ExpectSaslFinalAsync(scram);
        var keyData = (await ReadGreetingAsync()).Single(message => message[0] == (byte)BackendCode.BackendKeyData);
        return new CancelRequest(BinaryPrimitives.ReadInt32BigEndian(keyData.AsSpan(5)), BinaryPrimitives.ReadInt32BigEndian(keyData.AsSpan(9)));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Close();
        try
        {
            await Session.WaitAsync(Wire.Timeout);
        }
        catch (OperationCanceledException)
        {
            // The host stopping cancels a session still in its handshake; that is how the host sees it too.
        }

        _connectionClosed.Dispose();
    }

    private static async Task RunAsHostAsync(ClientSession session, ClientConnection connection, CancellationToken hostStopping)
    {
        try
        {
            await session.RunAsync(hostStopping);
        }
        finally
        {
            // What Kestrel does once the connection handler returns: the client sees end-of-stream.
            await connection.Transport.Output.CompleteAsync();
            await connection.Transport.Input.CompleteAsync();
        }
    }
}
