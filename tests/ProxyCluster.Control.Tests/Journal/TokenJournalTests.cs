using Npgsql;
using ProxyCluster.Control.Journal;
using ProxyCluster.Control.Tests.Fixtures;
using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Control.Tests.Journal;

public sealed class TokenJournalTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private readonly TestTokenFactory _tokens = new();

    [Fact]
    public async Task AppendAsync_Issue_CommitsSeqOneAtTheStoresTime()
    {
        await using var db = await MigratedAsync();
        var journal = new TokenJournal(db.Store);
        var before = await db.ScalarAsync<DateTime>("SELECT now()");

        var result = await journal.AppendAsync(_tokens.Issue(out var id));

        Assert.True(result.IsAppended, result.Reason);
        Assert.Equal(AppendRefusal.None, result.Refusal);
        Assert.Equal(id, result.Event.TokenId);
        Assert.Equal(1, result.Event.Seq);
        Assert.True(result.Event.Ordering > 0);
        Assert.InRange(result.Event.At.UtcDateTime, before, DateTime.UtcNow.AddMinutes(1));
        var stored = Assert.Single(await journal.ReadAllAsync());
        Assert.Equal(result.Event with { Payload = stored.Payload }, stored);
        Assert.Equal(TokenEventJson.Serialize(result.Event.Payload), TokenEventJson.Serialize(stored.Payload));
    }

    [Fact]
    public async Task AppendAsync_IssueRotateRevoke_FoldsToRevokedWithTheRotatedSecret()
    {
        await using var db = await MigratedAsync();
        var journal = new TokenJournal(db.Store);
        var issued = await journal.AppendAsync(_tokens.Issue(out var id));
        var rotation = _tokens.Rotate(id, TimeSpan.FromMinutes(5));

        var rotated = await journal.AppendAsync(rotation);
        var revoked = await journal.AppendAsync(TestTokenFactory.Revoke(id));

        Assert.True(rotated.IsAppended, rotated.Reason);
        Assert.True(revoked.IsAppended, revoked.Reason);
        Assert.Equal([1, 2, 3], new[] { issued.Event!.Seq, rotated.Event.Seq, revoked.Event.Seq });
        var state = Fold(await journal.ReadAllAsync())[id];
        Assert.Equal(TokenStatus.Revoked, state.Status);
        Assert.Equal("bob", state.EndedBy);
        Assert.Equal("leaked", state.EndReason);
        Assert.Equal(rotation.Payload.Secret!.Sha256, Convert.ToBase64String(state.Record.Secrets[0].Sha256));
        Assert.Equal(2, state.Record.Secrets.Count);
    }

    [Fact]
    public async Task AppendAsync_ConnectionLostWhileCommitting_SaysTheOutcomeIsUnknown()
    {
        await using var db = await MigratedAsync();
        await EndBackendOnInsertAsync(db, atCommit: true);
        var journal = new TokenJournal(db.Store);

        var lost = await Assert.ThrowsAsync<ControlStoreUnavailableException>(() => journal.AppendAsync(_tokens.Issue(out _)));

        Assert.True(lost.OutcomeUnknown);
    }

    [Fact]
    public async Task AppendAsync_StoreUnreachableBeforeCommit_IsNotAnUnknownOutcome()
    {
        await using var db = await MigratedAsync();
        await EndBackendOnInsertAsync(db, atCommit: false);
        var journal = new TokenJournal(db.Store);

        var lost = await Assert.ThrowsAsync<ControlStoreUnavailableException>(() => journal.AppendAsync(_tokens.Issue(out _)));

        Assert.False(lost.OutcomeUnknown);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM proxycluster.token_events"));
    }

    [Fact]
    public async Task AppendAsync_IssueTakenId_IsRefusedAsConflict()
    {
        await using var db = await MigratedAsync();
        var journal = new TokenJournal(db.Store);
        var issue = _tokens.Issue(out _);
        await journal.AppendAsync(issue);

        var again = await journal.AppendAsync(issue);

        Assert.False(again.IsAppended);
        Assert.Equal(AppendRefusal.Conflict, again.Refusal);
        Assert.Equal("a token with this id already exists", again.Reason);
        Assert.Single(await journal.ReadAllAsync());
    }

    [Theory]
    [InlineData(TokenEventType.Revoked)]
    [InlineData(TokenEventType.Rotated)]
    [InlineData(TokenEventType.Expired)]
    [InlineData(TokenEventType.PolicyChanged)]
    public async Task AppendAsync_UnknownToken_IsRefusedAsNotFound(TokenEventType type)
    {
        await using var db = await MigratedAsync();
        var journal = new TokenJournal(db.Store);

        var result = await journal.AppendAsync(new TokenAppend("abcdefghijkl", type, "bob", null, TokenEventPayload.Empty));

        Assert.Equal(AppendRefusal.NotFound, result.Refusal);
        Assert.Equal("no such token", result.Reason);
        Assert.Empty(await journal.ReadAllAsync());
    }

    [Fact]
    public async Task AppendAsync_RevokeTwice_SecondIsRefusedAsAlreadyRevoked()
    {
        await using var db = await MigratedAsync();
        var journal = new TokenJournal(db.Store);
        await journal.AppendAsync(_tokens.Issue(out var id));
        await journal.AppendAsync(TestTokenFactory.Revoke(id));

        var again = await journal.AppendAsync(TestTokenFactory.Revoke(id, actor: "carol", reason: "again"));

        Assert.Equal(AppendRefusal.AlreadyRevoked, again.Refusal);
        Assert.Equal(2, (await journal.ReadAllAsync()).Count);
    }

    [Fact]
    public async Task AppendAsync_RotateAfterRevoke_IsRefusedAsConflict()
    {
        await using var db = await MigratedAsync();
        var journal = new TokenJournal(db.Store);
        await journal.AppendAsync(_tokens.Issue(out var id));
        await journal.AppendAsync(TestTokenFactory.Revoke(id));

        var rotated = await journal.AppendAsync(_tokens.Rotate(id, TimeSpan.FromMinutes(1)));

        Assert.Equal(AppendRefusal.Conflict, rotated.Refusal);
        Assert.Equal("the token is revoked", rotated.Reason);
    }

    [Fact]
    public async Task AppendAsync_ExpiredWithoutExpiry_IsRefused()
    {
        await using var db = await MigratedAsync();
        var journal = new TokenJournal(db.Store);
        await journal.AppendAsync(_tokens.Issue(out var id));

        var expired = await journal.AppendAsync(TestTokenFactory.Expire(id));

        Assert.Equal(AppendRefusal.Conflict, expired.Refusal);
        Assert.Equal("the token has no expiry", expired.Reason);
    }

    [Fact]
    public async Task AppendAsync_ExpiredBeforeItsTime_IsRefused()
    {
        await using var db = await MigratedAsync();
        var journal = new TokenJournal(db.Store);
        await journal.AppendAsync(_tokens.Issue(out var id, expiresAt: DateTimeOffset.UtcNow.AddHours(1)));

        var expired = await journal.AppendAsync(TestTokenFactory.Expire(id));

        Assert.Equal(AppendRefusal.Conflict, expired.Refusal);
        Assert.StartsWith("the token does not expire before ", expired.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppendAsync_ExpiredWhenDue_IsAppendedAndThenOnlyRevokeFollows()
    {
        await using var db = await MigratedAsync();
        var journal = new TokenJournal(db.Store);
        await journal.AppendAsync(_tokens.Issue(out var id, expiresAt: DateTimeOffset.UtcNow.AddSeconds(-1)));

        var expired = await journal.AppendAsync(TestTokenFactory.Expire(id));
        var rotated = await journal.AppendAsync(_tokens.Rotate(id, TimeSpan.Zero));
        var revoked = await journal.AppendAsync(TestTokenFactory.Revoke(id));

        Assert.True(expired.IsAppended, expired.Reason);
        Assert.Equal(AppendRefusal.Conflict, rotated.Refusal);
        Assert.True(revoked.IsAppended, revoked.Reason);
        Assert.Equal(TokenStatus.Revoked, Fold(await journal.ReadAllAsync())[id].Status);
    }

    [Fact]
    public async Task AppendAsync_EventNoReplicaCouldApply_IsRefusedAsInvalidAndNotStored()
    {
        await using var db = await MigratedAsync();
        var journal = new TokenJournal(db.Store);
        var issue = _tokens.Issue(out var id);
        await journal.AppendAsync(issue);

        // A new secret with its own salt while the old one stays valid: a SCRAM server announces one salt per token.
        var foreignSalt = ProxyCluster.Tokens.TokenSecretVerifier.Create(ProxyCluster.Tokens.ApiToken.MintWithId(id));
        var rotation = new TokenAppend(id, TokenEventType.Rotated, "alice", null, new TokenEventPayload
        {
            Secret = TokenSecretPayload.From(foreignSalt),
            PreviousNotAfter = DateTimeOffset.UtcNow.AddHours(1),
        });
        var noPrincipal = issue with { TokenId = "mnopqrstuvwx", Payload = issue.Payload with { Principal = null } };

        var rotated = await journal.AppendAsync(rotation);
        var issued = await journal.AppendAsync(noPrincipal);

        Assert.Equal(AppendRefusal.Invalid, rotated.Refusal);
        Assert.Equal(AppendRefusal.Invalid, issued.Refusal);
        Assert.Contains("principal", issued.Reason, StringComparison.Ordinal);
        Assert.Single(await journal.ReadAllAsync());
    }

    [Fact]
    public async Task AppendAsync_ConcurrentRevocationsAndRotations_FoldToRevokedWithSeqsWithoutHoles()
    {
        await using var db = await MigratedAsync();
        var journal = new TokenJournal(db.Store);
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            await journal.AppendAsync(_tokens.Issue(out var id));
            ids.Add(id);
        }

        // Two revocations and a rotation per token, all at once, on separate connections.
        var requests = ids.SelectMany(id => new[] { TestTokenFactory.Revoke(id), _tokens.Rotate(id, TimeSpan.FromMinutes(1)), TestTokenFactory.Revoke(id, actor: "carol") }).ToList();
        var results = await Task.WhenAll(requests.Select(r => Task.Run(() => journal.AppendAsync(r))));

        var events = await journal.ReadAllAsync();
        var states = Fold(events);
        foreach (var id in ids)
        {
            var mine = results.Where((_, i) => requests[i].TokenId == id).ToList();
            Assert.Equal(1, mine.Count(r => r.IsAppended && r.Event.Type == TokenEventType.Revoked));
            Assert.Equal(1, mine.Count(r => r.Refusal == AppendRefusal.AlreadyRevoked));
            Assert.Equal(TokenStatus.Revoked, states[id].Status);
            var seqs = events.Where(e => e.TokenId == id).Select(e => e.Seq).ToList();
            Assert.Equal(Enumerable.Range(1, seqs.Count), seqs);
        }

        Assert.Equal(events.OrderBy(e => e.Ordering).Select(e => e.Ordering), events.Select(e => e.Ordering));
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.At <= p.Second.At), "event times follow the ordering");
    }

    [Fact]
    public async Task ReadAfterAsync_ReturnsLaterEventsInOrderUpToTheLimit()
    {
        await using var db = await MigratedAsync();
        var journal = new TokenJournal(db.Store);
        var orderings = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            orderings.Add((await journal.AppendAsync(_tokens.Issue(out _))).Event!.Ordering);
        }

        var page = await journal.ReadAfterAsync(orderings[1], limit: 2);
        var rest = await journal.ReadAfterAsync(page[^1].Ordering, limit: 100);

        Assert.Equal(orderings[2..4], page.Select(e => e.Ordering));
        Assert.Equal(orderings[4..], rest.Select(e => e.Ordering));
        Assert.Empty(await journal.ReadAfterAsync(orderings[^1], limit: 100));
    }

    [Fact]
    public async Task AppendAsync_NotifiesTheJournalChannelWithTheOrdering()
    {
        await using var db = await MigratedAsync();
        var journal = new TokenJournal(db.Store);
        await using var listener = new NpgsqlConnection(db.Server.ConnectionString(db.Database));
        await listener.OpenAsync();
        var received = new List<(string Channel, string Payload)>();
        listener.Notification += (_, e) => received.Add((e.Channel, e.Payload));
        await using (var listen = new NpgsqlCommand("LISTEN proxycluster_journal", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        var appended = await journal.AppendAsync(_tokens.Issue(out _));
        var refused = await journal.AppendAsync(TestTokenFactory.Revoke("abcdefghijkl"));
        var notified = await listener.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(notified);
        Assert.False(refused.IsAppended);
        Assert.Equal(("proxycluster_journal", appended.Event!.Ordering.ToString(System.Globalization.CultureInfo.InvariantCulture)), Assert.Single(received));
    }

    [Fact]
    public async Task AppendAsync_ServerGone_ThrowsUnavailableWithoutPassword()
    {
        var server = await ProxyCluster.IntegrationTests.Fixtures.PostgresServer.StartAsync();
        await using var db = await TestStore.CreateAsync(server, "gone", ControlStore.DefaultSchema);
        await db.Store.MigrateAsync();
        var journal = new TokenJournal(db.Store);
        await journal.AppendAsync(_tokens.Issue(out var id));

        await server.DisposeAsync();
        var unavailable = await Assert.ThrowsAsync<ControlStoreUnavailableException>(() => journal.AppendAsync(TestTokenFactory.Revoke(id)));

        Assert.StartsWith($"the control store at 127.0.0.1:{server.Port}/gone is unreachable: ", unavailable.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(server.SuperUserPassword, unavailable.ToString(), StringComparison.Ordinal);
    }

    private async Task<TestStore> MigratedAsync()
    {
        var db = await postgres.NewStoreAsync();
        await db.Store.MigrateAsync();
        return db;
    }

    private static Dictionary<string, TokenState> Fold(IEnumerable<TokenEvent> events)
    {
        var states = new Dictionary<string, TokenState>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            states.TryGetValue(e.TokenId, out var current);
            states[e.TokenId] = TokenFold.Apply(current, e);
        }

        return states;
    }

    /// <summary>
    /// A trigger on the journal that ends its own backend, as a crash or a network cut would: at the INSERT, or
    /// deferred to inside COMMIT, where the client cannot tell whether the commit happened.
    /// </summary>
    private static Task EndBackendOnInsertAsync(TestStore db, bool atCommit) =>
        db.ExecuteAsync($"""
            CREATE FUNCTION proxycluster.end_own_backend() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END $$;
            CREATE {(atCommit ? "CONSTRAINT " : "")}TRIGGER end_own_backend AFTER INSERT ON proxycluster.token_events
                {(atCommit ? "DEFERRABLE INITIALLY DEFERRED " : "")}FOR EACH ROW EXECUTE FUNCTION proxycluster.end_own_backend();
            """);
}
