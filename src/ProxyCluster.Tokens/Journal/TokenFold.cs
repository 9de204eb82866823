namespace ProxyCluster.Tokens.Journal;

/// <summary>
/// The one definition of how events change a token. The journal's writer asks <see cref="Check"/> before it
/// appends, inside the journal's lock, and every replica applies the same <see cref="Apply"/>; so state on every
/// node is the same function of the same ordered events.
/// </summary>
public static class TokenFold
{
    /// <summary>
    /// Why <paramref name="type"/> cannot happen to the token now, or null when it can. Rules: issued once; only an
    /// active token is rotated, re-scoped or expires; a revocation is final, so revoking twice is refused (the
    /// writer reports "already revoked"). An external identity (a JWT) is never issued here, so its revocation may
    /// come first.
    /// </summary>
    public static string? Check(TokenState? current, TokenEventType type, TokenEventPayload? payload = null) => (current?.Status, type) switch
    {
        (null, TokenEventType.Issued) => null,
        (null, TokenEventType.Revoked) when payload?.External is not null => null,
        (null, _) => "no such token",
        (_, TokenEventType.Issued) => "a token with this id already exists",
        (TokenStatus.Revoked, TokenEventType.Revoked) => "the token is already revoked",
        (TokenStatus.Revoked, _) => "the token is revoked",
        (TokenStatus.Expired, TokenEventType.Revoked) => null,
        (TokenStatus.Expired, _) => "the token has expired",
        _ => null,
    };

    /// <summary>The state after <paramref name="e"/>; a <see cref="TokenJournalException"/> when it cannot follow.</summary>
    public static TokenState Apply(TokenState? current, TokenEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var expectedSeq = (current?.Seq ?? 0) + 1;
        if (e.Seq != expectedSeq)
        {
            throw new TokenJournalException($"token {e.TokenId}: event seq {e.Seq} where {expectedSeq} was expected", isGap: e.Seq > expectedSeq);
        }

        if (Check(current, e.Type, e.Payload) is { } refusal)
        {
            throw new TokenJournalException($"token {e.TokenId}: {e.Type.ToName()} cannot be applied: {refusal}");
        }

        try
        {
            return e.Type switch
            {
                TokenEventType.Issued => Issue(e),
                TokenEventType.Rotated => Rotate(current!, e),
                TokenEventType.PolicyChanged => ChangeScopes(current!, e),
                TokenEventType.Revoked when current is null => RevokeExternal(e),
                TokenEventType.Revoked => End(current, e, TokenStatus.Revoked),
                TokenEventType.Expired => End(current!, e, TokenStatus.Expired),
                _ => throw new TokenJournalException($"token {e.TokenId}: unknown event type {e.Type}"),
            };
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            throw new TokenJournalException($"token {e.TokenId}: invalid {e.Type.ToName()} event: {ex.Message}");
        }
    }

    private static TokenState Issue(TokenEvent e)
    {
        var p = e.Payload;
        var secret = p.Secret ?? throw new FormatException("an issued event carries the secret's verifiers");
        var record = new TokenRecord(
            e.TokenId,
            p.Principal ?? throw new FormatException("an issued event names the principal"),
            p.Policy ?? TokenRecord.DefaultPolicy,
            p.Routes ?? [],
            p.ExpiresAt,
            [secret.ToVerifier()])
        {
            PolicyDocument = p.PolicyDocument,
        };
        return new TokenState(record, TokenStatus.Active, e.Seq, e.At, e.Actor, e.At);
    }

    /// <summary>A revoked external credential: no secrets, nothing to authenticate, kept so every node refuses it.</summary>
    private static TokenState RevokeExternal(TokenEvent e)
    {
        var record = new TokenRecord(e.TokenId, e.Payload.Principal ?? e.Payload.External!, "none", [], null, [])
        {
            IsExternal = true,
        };
        return new TokenState(record, TokenStatus.Revoked, e.Seq, e.At, e.Actor, e.At, e.At, e.Actor, e.Reason);
    }

    private static TokenState Rotate(TokenState current, TokenEvent e)
    {
        var secret = e.Payload.Secret ?? throw new FormatException("a rotated event carries the new secret's verifiers");
        var oldNotAfter = e.Payload.PreviousNotAfter ?? e.At;
        var record = current.Record.WithNewSecret(secret.ToVerifier(), oldNotAfter, e.At);
        return current with { Record = record, Seq = e.Seq, UpdatedAt = e.At };
    }

    private static TokenState ChangeScopes(TokenState current, TokenEvent e)
    {
        var p = e.Payload;
        var record = current.Record with
        {
            Policy = p.Policy ?? current.Record.Policy,
            PolicyDocument = p.Policy is null ? current.Record.PolicyDocument : p.PolicyDocument,
            Routes = p.Routes ?? current.Record.Routes,
            ExpiresAt = p.ClearExpiry ? null : p.ExpiresAt ?? current.Record.ExpiresAt,
        };
        return current with { Record = record, Seq = e.Seq, UpdatedAt = e.At };
    }

    private static TokenState End(TokenState current, TokenEvent e, TokenStatus status) =>
        current with { Status = status, Seq = e.Seq, UpdatedAt = e.At, EndedAt = e.At, EndedBy = e.Actor, EndReason = e.Reason };
}
