using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using ProxyCluster.IntegrationTests.Fixtures;
using ProxyCluster.Node.Configuration;
using ProxyCluster.Node.Hosting;
using ProxyCluster.Protocol.Framing;
using ProxyCluster.Protocol.Frontend;
using ProxyCluster.Tokens;

namespace ProxyCluster.IntegrationTests.Errors;

/// <summary>
/// Failed authentications from one address are slowed past a few free attempts. Each test runs its own node with a
/// small throttle in front of the shared PostgreSQL, so the shared node's failures (other tests) do not count here.
/// </summary>
[Collection(ProxyCollection.Name)]
public sealed class FailedAuthenticationThrottleTests(ProxyFixture fixture)
{
    private const int FreeAttempts = 2;
    private static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(1000);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task WrongToken_PastTheFreeAttempts_RefusalIsDelayed_AndTheRightTokenStillConnects()
    {
        await using var node = await ThrottledNode.StartAsync(fixture);
        var token = node.AddToken("throttle-victim");
        var forged = token with { Token = ApiToken.MintWithId(token.Id) };

        for (var i = 0; i < FreeAttempts; i++)
        {
            Assert.Equal("28P01", (await TimeRefusalAsync(node.ConnectionString(forged))).Error.SqlState);
        }

        var (first, firstTook) = await TimeRefusalAsync(node.ConnectionString(forged));
        Assert.Equal("28P01", first.SqlState);
        Assert.True(firstTook >= BaseDelay, $"the first slowed refusal took {firstTook}");
        var (second, secondTook) = await TimeRefusalAsync(node.ConnectionString(forged));
        Assert.Equal("28P01", second.SqlState);
        Assert.True(secondTook >= MaxDelay, $"the second slowed refusal took {secondTook}");

        await using (var connection = new NpgsqlConnection(node.ConnectionString(token)))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            Assert.Equal(1, (int)(await command.ExecuteScalarAsync())!);
        }

        // Every failure is audited with its reason and the delay it earned, never with the secret presented.
        var failures = node.Logs.Lines.Where(line => line.Contains("authentication failed for user", StringComparison.Ordinal) && line.Contains("refusal delayed", StringComparison.Ordinal)).ToList();
        Assert.Equal(FreeAttempts + 2, failures.Count);
        Assert.All(failures, line => Assert.Contains("wrong secret", line, StringComparison.Ordinal));
        Assert.Contains(failures, line => line.Contains($"refusal delayed {MaxDelay.TotalMilliseconds} ms", StringComparison.Ordinal));
        Assert.DoesNotContain(node.Logs.Lines, line => line.Contains(forged.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AttemptDuringAPenalty_IsNotAskedForItsSecretUntilThePenaltyEnds()
    {
        await using var node = await ThrottledNode.StartAsync(fixture);
        var token = node.AddToken("throttle-victim");
        var forged = token with { Token = ApiToken.MintWithId(token.Id) };
        for (var i = 0; i < FreeAttempts; i++)
        {
            await TimeRefusalAsync(node.ConnectionString(forged));
        }

        // A guesser that does not wait for its slowed refusal: its next attempt waits out the penalty instead.
        var slowed = TimeRefusalAsync(node.ConnectionString(forged));
        await WaitForAsync(() => node.Logs.Lines.Any(line => line.Contains($"refusal delayed {BaseDelay.TotalMilliseconds} ms", StringComparison.Ordinal)));
        var started = Stopwatch.StartNew();
        await using (var next = await RawClient.ConnectAsync(node.Port))
        {
            await next.SendAsync(w => FrontendMessages.WriteStartupMessage(w, [new("user", token.User), new("database", ProxyFixture.AppDatabase)]));
            Assert.Equal((byte)BackendCode.Authentication, await next.ReadByteAsync(ReadTimeout));
        }

        var held = started.Elapsed;
        Assert.Equal("28P01", (await slowed).Error.SqlState);
        // Most of the penalty was still to run when the log line was seen; allow for a slow machine, not for no hold.
        Assert.True(held >= BaseDelay / 2, $"the attempt during the penalty was asked for its secret after {held}");
    }

    private static async Task<(PostgresException Error, TimeSpan Took)> TimeRefusalAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        var started = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());
        return (error, started.Elapsed);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < ReadTimeout, "timed out waiting for the condition");
            await Task.Delay(5);
        }
    }

    /// <summary>A node of its own, with one cleartext loopback listener and a route to the fixture's PostgreSQL.</summary>
    private sealed class ThrottledNode : IAsyncDisposable
    {
        private readonly string _directory;

        private ThrottledNode(ProxyNode node, CollectingLoggerProvider logs, string directory)
        {
            Node = node;
            Logs = logs;
            _directory = directory;
        }

        public ProxyNode Node { get; }

        public CollectingLoggerProvider Logs { get; }

        public int Port => Node.PostgresEndPoints[0].Port;

        public static async Task<ThrottledNode> StartAsync(ProxyFixture fixture)
        {
            var directory = Directory.CreateTempSubdirectory("proxycluster-throttle-").FullName;
            var passwordFile = Path.Combine(directory, "upstream.password");
            await File.WriteAllTextAsync(passwordFile, fixture.UpstreamPassword + "\n");
            var options = new ProxyOptions
            {
                NodeId = "throttle-node",
                AuthTimeoutSeconds = ProxyFixture.AuthTimeoutSeconds,
                AuthFailureThrottle = new AuthFailureThrottleOptions
                {
                    FreeAttempts = FreeAttempts,
                    BaseDelayMilliseconds = (int)BaseDelay.TotalMilliseconds,
                    MaxDelayMilliseconds = (int)MaxDelay.TotalMilliseconds,
                },
                Listeners = { new ListenerOptions { Address = "127.0.0.1", Port = 0, InsecureCleartextForLocalDevelopment = true } },
                Routes =
                {
                    new RouteOptions
                    {
                        Name = ProxyFixture.AppDatabase,
                        Host = "127.0.0.1",
                        Port = fixture.Postgres.Port,
                        Database = ProxyFixture.AppDatabase,
                        User = ProxyFixture.AppRole,
                        PasswordFile = passwordFile,
                    },
                },
            };

            var logs = new CollectingLoggerProvider();
            var node = ProxyNode.Create(options, logging =>
            {
                logging.ClearProviders();
                logging.AddProvider(logs);
            });
            await node.StartAsync();
            return new ThrottledNode(node, logs, directory);
        }

        public TestToken AddToken(string principal)
        {
            var token = TestToken.Mint(principal);
            Node.Tokens.Upsert(token.Record);
            return token;
        }

        public string ConnectionString(TestToken token) =>
            new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = Port,
                Database = ProxyFixture.AppDatabase,
                Username = token.User,
                Password = token.Token,
                Pooling = false,
                SslMode = SslMode.Disable,
                // One attempt per open: with Prefer, Npgsql retries a failed connection without GSS encryption.
                GssEncryptionMode = GssEncryptionMode.Disable,
                Timeout = 15,
            }.ConnectionString;

        public async ValueTask DisposeAsync()
        {
            await Node.StopAsync();
            await Node.DisposeAsync();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
