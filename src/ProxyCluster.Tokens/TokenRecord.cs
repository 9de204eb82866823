using ProxyCluster.Protocol.Scram;

namespace ProxyCluster.Tokens;

/// <summary>
/// One token as a node's replica knows it: who it speaks for, where it may go, until when, and the verifiers of
/// its secrets (more than one only during a rotation's overlap). Immutable; a change is a new record, e.g.
/// <c>token with { Routes = ["sales"] }</c>, and every property is validated on the way in either way. Equality
/// compares contents, lists included.
/// </summary>
public sealed record TokenRecord
{
    public const string DefaultPolicy = "unrestricted";

    public TokenRecord(
        string id,
        string principal,
        string policy,
        IReadOnlyList<string> routes,
        DateTimeOffset? expiresAt,
        IReadOnlyList<TokenSecretVerifier> secrets)
    {
        Id = id;
        Principal = principal;
        Policy = policy;
        Routes = routes;
        ExpiresAt = expiresAt;
        Secrets = secrets;
    }

    public string Id
    {
        get;
        init => field = ApiToken.IsValidId(value)
            ? value
            : throw new ArgumentException($"a token id is {ApiToken.IdLength} characters of [a-z0-9]", nameof(Id));
    }

    /// <summary>Who the token speaks for (a person or a service); shown in sessions and audit.</summary>
    public string Principal
    {
        get;
        init => field = RequireText(value, nameof(Principal));
    }

    /// <summary>The name of the policy applied to the token's statements.</summary>
    public string Policy
    {
        get;
        init => field = RequireText(value, nameof(Policy));
    }

    /// <summary>
    /// The policy's own document (YAML or JSON) when the token carries it, as tokens created with
    /// <c>proxyctl token create --policy FILE</c> do; null when <see cref="Policy"/> names one of the node's policies.
    /// </summary>
    public string? PolicyDocument { get; init; }

    /// <summary>The upstream databases the token may reach; empty means every route.</summary>
    public IReadOnlyList<string> Routes
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Routes));
            string[] copy = [.. value];
            foreach (var route in copy)
            {
                RequireText(route, nameof(Routes));
            }

            field = copy;
        }
    }

    /// <summary>When the token stops authenticating; null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>
    /// An identity proven by something other than a secret of ours (a JWT signed by an identity provider): it has
    /// no secrets, is never in the registry, and its id is derived from the credential (<see cref="ExternalTokenIds"/>).
    /// </summary>
    public bool IsExternal { get; init; }

    /// <summary>
    /// The current secret first, then any old ones still inside their rotation overlap. All share one SCRAM salt
    /// and iteration count, because a SCRAM server announces one salt before it knows which secret the client has.
    /// Empty for an <see cref="IsExternal"/> identity, which no secret authenticates.
    /// </summary>
    public IReadOnlyList<TokenSecretVerifier> Secrets
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Secrets));
            TokenSecretVerifier[] copy = [.. value];
            if (Array.IndexOf(copy, null) >= 0)
            {
                throw new ArgumentException("a token has no null secrets", nameof(Secrets));
            }

            if (copy.Length == 0)
            {
                field = copy;
                return;
            }

            var first = copy[0].Scram;
            foreach (var secret in copy)
            {
                if (secret.Scram.Iterations != first.Iterations || !secret.Scram.Salt.AsSpan().SequenceEqual(first.Salt))
                {
                    throw new ArgumentException("all secrets of a token share one SCRAM salt and iteration count", nameof(Secrets));
                }
            }

            field = copy;
        }
    }

    /// <summary>
    /// Builds the record for a token just minted: the id comes from the token, the secret's verifiers are derived
    /// from it (one PBKDF2 run). The token itself is not kept.
    /// </summary>
    public static TokenRecord Create(
        string token,
        string principal,
        string policy,
        IReadOnlyList<string> routes,
        DateTimeOffset? expiresAt)
    {
        if (!ApiToken.TryParse(token, out var id))
        {
            throw new ArgumentException("not a well-formed API token", nameof(token));
        }

        return new TokenRecord(id, principal, policy, routes, expiresAt, [TokenSecretVerifier.Create(token)]);
    }

    /// <summary>
    /// A new current secret for this token (same id, same SCRAM salt); the secrets held so far keep working until
    /// <paramref name="oldSecretsNotAfter"/>, or their own earlier deadline.
    /// </summary>
    public TokenRecord WithRotatedSecret(string newToken, DateTimeOffset oldSecretsNotAfter)
    {
        if (!ApiToken.TryParse(newToken, out var id) || id != Id)
        {
            throw new ArgumentException($"not a well-formed API token for id {Id}", nameof(newToken));
        }

        var scram = Secrets[0].Scram;
        return WithNewSecret(TokenSecretVerifier.Create(newToken, scram.Salt, scram.Iterations), oldSecretsNotAfter, now: null);
    }

    /// <summary>
    /// <paramref name="newSecret"/> becomes the current secret (it must share the token's SCRAM salt and iteration
    /// count); the secrets held so far keep working until <paramref name="oldSecretsNotAfter"/>, or their own
    /// earlier deadline. Secrets already inactive at <paramref name="now"/> are dropped, so rotations do not pile up.
    /// </summary>
    public TokenRecord WithNewSecret(TokenSecretVerifier newSecret, DateTimeOffset oldSecretsNotAfter, DateTimeOffset? now)
    {
        ArgumentNullException.ThrowIfNull(newSecret);
        var secrets = new List<TokenSecretVerifier>(Secrets.Count + 1) { newSecret with { NotAfter = null } };
        foreach (var old in Secrets)
        {
            var deadline = old.NotAfter is { } own && own < oldSecretsNotAfter ? own : oldSecretsNotAfter;
            if (now is not { } at || at < deadline)
            {
                secrets.Add(old with { NotAfter = deadline });
            }
        }

        return this with { Secrets = secrets };
    }

    /// <summary>Whether the token may connect to <paramref name="database"/> (exact, case-sensitive match).</summary>
    public bool AllowsRoute(string database) =>
        Routes.Count == 0 || Routes.Contains(database, StringComparer.Ordinal);

    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } expiresAt && now >= expiresAt;

    /// <summary>The secrets that still authenticate at <paramref name="now"/>, the current one first.</summary>
    public IReadOnlyList<TokenSecretVerifier> ActiveSecrets(DateTimeOffset now)
    {
        var active = new List<TokenSecretVerifier>(Secrets.Count);
        foreach (var secret in Secrets)
        {
            if (secret.IsActive(now))
            {
                active.Add(secret);
            }
        }

        return active;
    }

    /// <summary>The SCRAM verifiers of <see cref="ActiveSecrets"/>, in the same order.</summary>
    public IReadOnlyList<ScramVerifier> ActiveScramVerifiers(DateTimeOffset now) => ScramVerifiersOf(ActiveSecrets(now));

    /// <summary>The SCRAM verifier of each secret, in order (index i of one is index i of the other).</summary>
    public static IReadOnlyList<ScramVerifier> ScramVerifiersOf(IReadOnlyList<TokenSecretVerifier> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var verifiers = new ScramVerifier[secrets.Count];
        for (var i = 0; i < verifiers.Length; i++)
        {
            verifiers[i] = secrets[i].Scram;
        }

        return verifiers;
    }

    /// <summary>
    /// Whether <paramref name="presented"/> is this token with a secret active at <paramref name="now"/>. Compares
    /// SHA-256 hashes in constant time and checks every active secret, so timing says nothing about which failed.
    /// Expiry is the caller's separate question (<see cref="IsExpired"/>).
    /// </summary>
    public bool VerifyCleartext(string presented, DateTimeOffset now) => MatchCleartext(presented, now) is not null;

    /// <summary>Like <see cref="VerifyCleartext"/>, giving the secret that matched (null for none).</summary>
    public TokenSecretVerifier? MatchCleartext(string presented, DateTimeOffset now)
    {
        if (presented is null)
        {
            return null;
        }

        Span<byte> hash = stackalloc byte[TokenSecretVerifier.Sha256Length];
        TokenSecretVerifier.HashToken(presented, hash);
        TokenSecretVerifier? matched = null;
        foreach (var secret in Secrets)
        {
            if (secret.IsActive(now) & secret.Matches(hash))
            {
                matched = secret;
            }
        }

        return matched;
    }

    /// <summary>
    /// Whether a session that authenticated with <paramref name="secret"/> (of an earlier version of this record,
    /// perhaps) may go on at <paramref name="now"/>: the secret is still one of this token's, inside its overlap.
    /// Secrets are told apart by their SHA-256 verifier, unique per secret.
    /// </summary>
    public bool StillAccepts(TokenSecretVerifier secret, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(secret);
        foreach (var candidate in Secrets)
        {
            if (candidate.Sha256.AsSpan().SequenceEqual(secret.Sha256))
            {
                return candidate.IsActive(now);
            }
        }

        return false;
    }

    public bool Equals(TokenRecord? other) =>
        other is not null &&
        Id == other.Id &&
        Principal == other.Principal &&
        Policy == other.Policy &&
        PolicyDocument == other.PolicyDocument &&
        IsExternal == other.IsExternal &&
        ExpiresAt == other.ExpiresAt &&
        Routes.SequenceEqual(other.Routes, StringComparer.Ordinal) &&
        Secrets.SequenceEqual(other.Secrets);

    public override int GetHashCode() => HashCode.Combine(Id, Principal, Policy, ExpiresAt, Routes.Count, Secrets.Count);

    private static string RequireText(string value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"{name} must not be empty", name) : value;
}
