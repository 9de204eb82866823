using System.Collections.Frozen;
using Microsoft.IdentityModel.Tokens;

namespace ProxyCluster.Node.Jwt;

/// <summary>
/// One immutable JWKS snapshot: the asymmetric signing keys that carry a <c>kid</c>, and the validation
/// parameters built over them. A refresh builds a new snapshot and swaps it in whole.
/// </summary>
internal sealed class JwksKeys
{
    private JwksKeys(FrozenSet<string> keyIds, TokenValidationParameters parameters)
    {
        KeyIds = keyIds;
        Parameters = parameters;
    }

    public FrozenSet<string> KeyIds { get; }

    public TokenValidationParameters Parameters { get; }

    /// <summary>Parses a JWKS document with the library; throws <see cref="FormatException"/> when no key is usable.</summary>
    public static JwksKeys Parse(string json, JwtOptions options, TimeProvider time)
    {
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(json);
        }
        catch (ArgumentException exception)
        {
            throw new FormatException("is not a JSON Web Key Set", exception);
        }

        // GetSigningKeys converts RSA and EC keys (skipping "use": "enc"); symmetric keys are never accepted.
        var keys = set.GetSigningKeys()
            .Where(key => !string.IsNullOrEmpty(key.KeyId) && key is RsaSecurityKey or ECDsaSecurityKey or X509SecurityKey)
            .ToArray();
        if (keys.Length == 0)
        {
            throw new FormatException("holds no RSA or EC signing key with a kid");
        }

        return new JwksKeys(keys.Select(key => key.KeyId).ToFrozenSet(StringComparer.Ordinal), CreateParameters(keys, options, time));
    }

    private static TokenValidationParameters CreateParameters(SecurityKey[] keys, JwtOptions options, TimeProvider time) => new()
    {
        ValidateIssuer = true,
        ValidIssuer = options.Issuer,
        ValidateAudience = true,
        RequireAudience = true,
        ValidAudiences = [.. options.Audiences],
        IgnoreTrailingSlashWhenValidatingAudience = false,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.FromSeconds(options.ClockSkewSeconds),
        LifetimeValidator = JwtLifetime.Validator(time, TimeSpan.FromSeconds(options.ClockSkewSeconds)),
        RequireSignedTokens = true,
        ValidAlgorithms = [.. options.Algorithms],
        IssuerSigningKeys = keys,
        TryAllIssuerSigningKeys = false, // the key is chosen by kid, never by trial
        ValidateTokenReplay = false,
        SaveSigninToken = false,
        IncludeTokenOnFailedValidation = false,
        LogTokenId = false,
        LogValidationExceptions = false,
    };
}
