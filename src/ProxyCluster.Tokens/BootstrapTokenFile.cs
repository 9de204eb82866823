using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ProxyCluster.Protocol.Scram;

namespace ProxyCluster.Tokens;

/// <summary>
/// The token file a node starts from until the control plane exists: JSON lines, one token each, blank lines and
/// <c>#</c> comments ignored.
/// <code>
/// {"id":"abc123def456","principal":"demo","policy":"unrestricted","routes":["demo"],"expires_at":null,"scram":"SCRAM-SHA-256$4096:…","sha256":"…"}
/// </code>
/// Only verifiers are written, never a secret, so the file is sensitive (it allows offline guessing, which 256-bit
/// secrets make hopeless) but not a credential.
/// </summary>
public static class BootstrapTokenFile
{
    private static readonly JsonTypeInfo<BootstrapTokenLine> LineInfo = CreateLineInfo();

    public static IReadOnlyList<TokenRecord> Load(string path)
    {
        var text = File.ReadAllText(path);
        try
        {
            return Parse(text);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Parses a whole file; a bad line throws a <see cref="FormatException"/> naming its (1-based) number.</summary>
    public static IReadOnlyList<TokenRecord> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<TokenRecord>();
        var lineOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var rawLine in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.IsEmpty || line[0] == '#')
            {
                continue;
            }

            var token = ParseLine(line, lineNumber);
            if (!lineOfId.TryAdd(token.Id, lineNumber))
            {
                throw new FormatException($"line {lineNumber}: token id {token.Id} is already defined on line {lineOfId[token.Id]}");
            }

            tokens.Add(token);
        }

        return tokens;
    }

    /// <summary>One line, without a newline, for the token's first (current) secret.</summary>
    public static string FormatLine(TokenRecord token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var secret = token.Secrets[0];
        var line = new BootstrapTokenLine
        {
            Id = token.Id,
            Principal = token.Principal,
            Policy = token.Policy,
            Routes = token.Routes,
            ExpiresAt = token.ExpiresAt,
            Scram = secret.Scram.ToPostgresString(),
            Sha256 = Convert.ToBase64String(secret.Sha256),
        };
        return JsonSerializer.Serialize(line, LineInfo);
    }

    private static TokenRecord ParseLine(ReadOnlySpan<char> line, int lineNumber)
    {
        if (line.StartsWith(ApiToken.Prefix, StringComparison.Ordinal))
        {
            // Someone pasted the token itself. Say so without repeating it.
            throw new FormatException(
                $"line {lineNumber}: this looks like a token, not a bootstrap line; the file holds verifiers only (see 'proxyctl token mint')");
        }

        BootstrapTokenLine? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(line, LineInfo);
        }
        catch (JsonException e)
        {
            throw new FormatException($"line {lineNumber}: {Describe(e)}", e);
        }

        if (parsed is null)
        {
            throw new FormatException($"line {lineNumber}: expected a JSON object");
        }

        if (!ScramVerifier.TryParse(parsed.Scram, out var scram))
        {
            throw new FormatException($"line {lineNumber}: 'scram' is not a SCRAM-SHA-256 verifier");
        }

        var sha256 = new byte[TokenSecretVerifier.Sha256Length];
        if (!Convert.TryFromBase64String(parsed.Sha256, sha256, out var written) || written != sha256.Length)
        {
            throw new FormatException($"line {lineNumber}: 'sha256' is not the base64 of {sha256.Length} bytes");
        }

        try
        {
            return new TokenRecord(
                parsed.Id,
                parsed.Principal,
                parsed.Policy ?? TokenRecord.DefaultPolicy,
                parsed.Routes,
                parsed.ExpiresAt,
                [new TokenSecretVerifier(scram, sha256)]);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"line {lineNumber}: {e.Message}", e);
        }
    }

    /// <summary>The serializer's message without its own position suffix, which counts lines from zero.</summary>
    private static string Describe(JsonException e)
    {
        var message = e.Message;
        var suffix = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (suffix >= 0)
        {
            message = message[..suffix];
        }

        return e.Path is { Length: > 1 } path ? $"{message} (at {path})" : message;
    }

    private static JsonTypeInfo<BootstrapTokenLine> CreateLineInfo()
    {
        // Base64 and SCRAM strings are full of '+'; the default encoder would write each as \u002B. The file is
        // never embedded in HTML, so the relaxed encoder is safe here.
        var options = new JsonSerializerOptions(BootstrapTokenJsonContext.Default.Options)
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        return (JsonTypeInfo<BootstrapTokenLine>)options.GetTypeInfo(typeof(BootstrapTokenLine));
    }
}
