using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Tokens.Tests.Journal;

public sealed class TokenFoldTests
{
    private readonly JournalEvents _events = new();

    [Theory]
    [InlineData(null, TokenEventType.Issued, null)]
    [InlineData(null, TokenEventType.Revoked, "no such token")]
    [InlineData(null, TokenEventType.Rotated, "no such token")]
    [InlineData(TokenStatus.Active, TokenEventType.Issued, "a token with this id already exists")]
    [InlineData(TokenStatus.Active, TokenEventType.Rotated, null)]
    [InlineData(TokenStatus.Active, TokenEventType.PolicyChanged, null)]
    [InlineData(TokenStatus.Active, TokenEventType.Expired, null)]
    [InlineData(TokenStatus.Active, TokenEventType.Revoked, null)]
    [InlineData(TokenStatus.Revoked, TokenEventType.Revoked, "the token is already revoked")]
    [InlineData(TokenStatus.Revoked, TokenEventType.Rotated, "the token is revoked")]
    [InlineData(TokenStatus.Revoked, TokenEventType.Expired, "the token is revoked")]
    [InlineData(TokenStatus.Expired, TokenEventType.Revoked, null)]
    [InlineData(TokenStatus.Expired, TokenEventType.Rotated, "the token has expired")]
    [InlineData(TokenStatus.Expired, TokenEventType.Expired, "the token has expired")]
    public void Check_StateAndEvent_AllowsOrNamesTheRefusal(TokenStatus? status, TokenEventType type, string? expected)
    {
        var state = status is { } s ? TokenFold.Apply(null, _events.Issued(out _)) with { Status = s } : null;

        Assert.Equal(expected, TokenFold.Check(state, type));
    }

    [Fact]
    public void Apply_RevocationOfAnExternalIdentity_IsItsFirstEventAndLeavesItRevoked()
    {
        var id = ExternalTokenIds.ForJwt("https://idp.example", "jti-1", "svc");
        var payload = new TokenEventPayload { External = "jwt", Principal = "jwt https://idp.example jti jti-1" };
        var revoked = new TokenEvent(7, id, 1, TokenEventType.Revoked, JournalEvents.At(0), "alice", "stolen", payload);

        Assert.Null(TokenFold.Check(null, TokenEventType.Revoked, payload));
        Assert.Equal("no such token", TokenFold.Check(null, TokenEventType.Revoked, TokenEventPayload.Empty));
        var state = TokenFold.Apply(null, revoked);

        Assert.Equal(TokenStatus.Revoked, state.Status);
        Assert.True(state.Record.IsExternal);
        Assert.Empty(state.Record.Secrets);
        Assert.Equal("stolen", state.EndReason);
        Assert.Equal("the token is already revoked", TokenFold.Check(state, TokenEventType.Revoked, payload));
    }

    [Fact]
    public void ExternalTokenIds_AreStableValidIdsThatTellJtisAndSubjectsApart()
    {
        var byJti = ExternalTokenIds.ForJwt("https://idp.example", "abc", "svc");

        Assert.True(ApiToken.IsValidId(byJti));
        Assert.Equal(byJti, ExternalTokenIds.ForJwt("https://idp.example", "abc", "other-subject"));
        Assert.NotEqual(byJti, ExternalTokenIds.ForJwt("https://other.example", "abc", "svc"));
        Assert.NotEqual(ExternalTokenIds.ForJwt("https://idp.example", null, "abc"), byJti);
    }

    [Fact]
    public void Apply_Issued_BuildsAnActiveRecordFromThePayload()
    {
        var issued = _events.Issued(out var id, expiresAt: JournalEvents.At(3600));

        var state = TokenFold.Apply(null, issued);

        Assert.Equal(TokenStatus.Active, state.Status);
        Assert.Equal(1, state.Seq);
        Assert.Equal(id, state.Id);
        Assert.Equal("svc-reports", state.Record.Principal);
        Assert.Equal(TokenRecord.DefaultPolicy, state.Record.Policy);
        Assert.Equal(["sales"], state.Record.Routes);
        Assert.Equal(JournalEvents.At(3600), state.Record.ExpiresAt);
        Assert.Equal(issued.At, state.IssuedAt);
        Assert.Equal("alice", state.IssuedBy);
    }

    [Fact]
    public void Apply_Rotated_NewSecretFirstAndOldOneUntilTheOverlapEnds()
    {
        var issued = _events.Issued(out var id);
        var rotated = _events.Rotated(id, 2, previousNotAfter: JournalEvents.At(600));

        var state = TokenFold.Apply(TokenFold.Apply(null, issued), rotated);

        Assert.Equal(2, state.Seq);
        Assert.Equal(rotated.Payload.Secret!.Sha256, Convert.ToBase64String(state.Record.Secrets[0].Sha256));
        Assert.Null(state.Record.Secrets[0].NotAfter);
        Assert.Equal(issued.Payload.Secret!.Sha256, Convert.ToBase64String(state.Record.Secrets[1].Sha256));
        Assert.Equal(JournalEvents.At(600), state.Record.Secrets[1].NotAfter);
    }

    [Fact]
    public void Apply_PolicyChanged_ChangesOnlyWhatThePayloadNamesAndClearsExpiryOnRequest()
    {
        var issued = _events.Issued(out var id, expiresAt: JournalEvents.At(3600));
        var state = TokenFold.Apply(null, issued);

        var routed = TokenFold.Apply(state, _events.PolicyChanged(id, 2, new TokenEventPayload { Routes = ["hr", "sales"] }));
        var cleared = TokenFold.Apply(routed, _events.PolicyChanged(id, 3, new TokenEventPayload { Policy = "read-only", ClearExpiry = true }));

        Assert.Equal(["hr", "sales"], routed.Record.Routes);
        Assert.Equal(JournalEvents.At(3600), routed.Record.ExpiresAt);
        Assert.Equal(TokenRecord.DefaultPolicy, routed.Record.Policy);
        Assert.Equal("read-only", cleared.Record.Policy);
        Assert.Null(cleared.Record.ExpiresAt);
        Assert.Equal(["hr", "sales"], cleared.Record.Routes);
    }

    [Fact]
    public void Apply_Revoked_EndsTheTokenWithWhoAndWhy()
    {
        var issued = _events.Issued(out var id);
        var revoked = _events.Revoked(id, 2);

        var state = TokenFold.Apply(TokenFold.Apply(null, issued), revoked);

        Assert.Equal(TokenStatus.Revoked, state.Status);
        Assert.Equal(revoked.At, state.EndedAt);
        Assert.Equal("alice", state.EndedBy);
        Assert.Equal("leaked", state.EndReason);
    }

    [Fact]
    public void Apply_ExpiredThenRevoked_EndsRevoked()
    {
        var issued = _events.Issued(out var id);

        var expired = TokenFold.Apply(TokenFold.Apply(null, issued), _events.Expired(id, 2));
        var revoked = TokenFold.Apply(expired, _events.Revoked(id, 3));

        Assert.Equal(TokenStatus.Expired, expired.Status);
        Assert.Equal(TokenStatus.Revoked, revoked.Status);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Apply_SeqNotTheNextOne_ThrowsAMissedEvent(int seq)
    {
        var issued = _events.Issued(out var id);
        var state = TokenFold.Apply(null, issued);

        var missed = Assert.Throws<TokenJournalException>(() => TokenFold.Apply(state, _events.Revoked(id, seq)));

        Assert.Contains($"event seq {seq} where 2 was expected", missed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_RotateAfterRevoke_Throws()
    {
        var issued = _events.Issued(out var id);
        var revoked = TokenFold.Apply(TokenFold.Apply(null, issued), _events.Revoked(id, 2));

        Assert.Throws<TokenJournalException>(() => TokenFold.Apply(revoked, _events.Rotated(id, 3, JournalEvents.At(10))));
    }

    [Fact]
    public void Apply_IssuedWithoutPrincipalOrSecret_ThrowsInvalidEvent()
    {
        var issued = _events.Issued(out _);

        var noPrincipal = Assert.Throws<TokenJournalException>(() => TokenFold.Apply(null, issued with { Payload = issued.Payload with { Principal = null } }));
        var noSecret = Assert.Throws<TokenJournalException>(() => TokenFold.Apply(null, issued with { Payload = issued.Payload with { Secret = null } }));
        var badId = Assert.Throws<TokenJournalException>(() => TokenFold.Apply(null, issued with { TokenId = "NOT-AN-ID" }));

        Assert.Contains("principal", noPrincipal.Message, StringComparison.Ordinal);
        Assert.Contains("secret", noSecret.Message, StringComparison.Ordinal);
        Assert.Contains("invalid issued event", badId.Message, StringComparison.Ordinal);
    }
}
