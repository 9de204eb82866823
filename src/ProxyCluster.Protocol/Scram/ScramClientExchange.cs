using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ProxyCluster.Protocol.Scram;

/// <summary>
/// The proxy as SCRAM-SHA-256 client to PostgreSQL, and as SCRAM-SHA-256-PLUS when given the TLS connection's
/// channel binding. One instance per authentication:
/// <see cref="CreateClientFirstMessage"/>, <see cref="TryCreateClientFinalMessage"/>, <see cref="VerifyServerFinalMessage"/>.
/// </summary>
public sealed class ScramClientExchange
{
    /// <summary>
    /// PBKDF2 runs on our CPU at the server's say-so; a compromised or misconfigured upstream must not be able to
    /// stall a node with an absurd count.
    /// </summary>
    public const int MaxIterations = 10_000_000;

    // Without channel binding the GS2 header is "n,," and c= is its base64, "biws".
    private static ReadOnlySpan<byte> NoChannelBindingHeader => "n,,"u8;

    private static ReadOnlySpan<byte> NoChannelBindingAttribute => "c=biws"u8;

    private readonly string _password;
    private readonly byte[] _gs2Header;
    private readonly byte[] _channelBindingAttribute;
    private readonly byte[] _clientFirstBare;
    private readonly ScramClientKeyCache? _keyCache;

    private State _state = State.Initial;
    private byte[] _expectedServerSignature = [];

    /// <param name="password">The upstream role's password, normalized as <see cref="ScramPassword"/> describes.</param>
    public ScramClientExchange(string password)
        : this(password, ScramNonce.Create(), userName: string.Empty)
    {
    }

    /// <param name="keyCache">Skips PBKDF2 when the same password, salt and iteration count were seen before.</param>
    public ScramClientExchange(string password, ScramClientKeyCache keyCache)
        : this(password, ScramNonce.Create(), userName: string.Empty) => _keyCache = keyCache;

    /// <summary>
    /// SCRAM-SHA-256-PLUS: the GS2 header is <c>p=&lt;type&gt;,,</c> and the proof covers the channel binding data, so
    /// the exchange only succeeds with a server at the other end of this very TLS connection.
    /// </summary>
    public ScramClientExchange(string password, ScramClientKeyCache? keyCache, ScramChannelBinding channelBinding)
        : this(password, ScramNonce.Create(), userName: string.Empty, channelBinding) => _keyCache = keyCache;

    /// <summary>
    /// For tests: a fixed nonce and a user name (RFC 7677's vector signs "n=user"). The name must need no
    /// saslname escaping.
    /// </summary>
    internal ScramClientExchange(string password, string clientNonce, string userName, ScramChannelBinding? channelBinding = null)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(userName);
        if (!ScramNonce.IsPrintable(Encoding.ASCII.GetBytes(clientNonce)) || userName.AsSpan().ContainsAny(',', '='))
        {
            throw new ArgumentException("The nonce must be printable ASCII without commas and the user name must need no escaping.");
        }

        _password = password;
        if (channelBinding is null)
        {
            _gs2Header = NoChannelBindingHeader.ToArray();
            _channelBindingAttribute = NoChannelBindingAttribute.ToArray();
        }
        else
        {
            _gs2Header = Encoding.ASCII.GetBytes("p=" + channelBinding.Type + ",,");
            _channelBindingAttribute = Encoding.ASCII.GetBytes("c=" + Convert.ToBase64String([.. _gs2Header, .. channelBinding.Data.Span]));
        }

        // libpq sends an empty user name: PostgreSQL takes the user from the startup packet and ignores this one.
        _clientFirstBare = Encoding.UTF8.GetBytes("n=" + userName + ",r=" + clientNonce);
    }

    private enum State
    {
        Initial,
        SentClientFirst,
        SentClientFinal,
        Finished,
    }

    /// <summary>The SASL mechanism to name in SASLInitialResponse.</summary>
    public string Mechanism => _gs2Header[0] == (byte)'p' ? ScramServerExchange.PlusMechanism : ScramServerExchange.Mechanism;

    /// <summary>Returns <c>n,,n=,r=&lt;nonce&gt;</c> (or <c>p=&lt;type&gt;,,n=,r=&lt;nonce&gt;</c> with channel binding).</summary>
    public byte[] CreateClientFirstMessage()
    {
        if (_state != State.Initial)
        {
            throw new InvalidOperationException("The client-first-message has already been created.");
        }

        _state = State.SentClientFirst;
        return [.. _gs2Header, .. _clientFirstBare];
    }

    /// <summary>
    /// Reads <c>r=nonce,s=salt,i=iterations[,extensions]</c> and returns <c>c=cbind,r=nonce,p=proof</c>. False when
    /// the message is malformed, its nonce does not extend ours, or the iteration count is outside 1..<see cref="MaxIterations"/>.
    /// </summary>
    public bool TryCreateClientFinalMessage(ReadOnlySpan<byte> serverFirstMessage, [NotNullWhen(true)] out byte[]? clientFinalMessage)
    {
        if (_state != State.SentClientFirst)
        {
            throw new InvalidOperationException("TryCreateClientFinalMessage needs CreateClientFirstMessage first, and runs only once.");
        }

        _state = State.Finished;
        clientFinalMessage = null;
        if (!TryReadServerFirst(serverFirstMessage, out var nonce, out var salt, out var iterations))
        {
            return false;
        }

        byte[] clientFinalWithoutProof = [.. _channelBindingAttribute, .. ",r="u8, .. nonce];
        var authMessage = ScramMath.AuthMessage(_clientFirstBare, serverFirstMessage, clientFinalWithoutProof);

        var normalized = ScramPassword.Normalize(_password);
        byte[] clientKey, serverKey;
        if (_keyCache is not null)
        {
            // Cached keys are shared: copy them, because this method wipes what it used.
            var cached = _keyCache.GetOrDerive(normalized, salt, iterations);
            (clientKey, serverKey) = ([.. cached.ClientKey], [.. cached.ServerKey]);
        }
        else
        {
            var saltedPassword = ScramMath.SaltedPassword(normalized, salt, iterations);
            clientKey = ScramMath.ClientKey(saltedPassword);
            serverKey = ScramMath.ServerKey(saltedPassword);
            CryptographicOperations.ZeroMemory(saltedPassword);
        }

        Span<byte> clientSignature = stackalloc byte[ScramMath.KeyLength];
        Span<byte> proof = stackalloc byte[ScramMath.KeyLength];
        try
        {
            ScramMath.Signature(ScramMath.StoredKey(clientKey), authMessage, clientSignature);
            ScramMath.Xor(clientKey, clientSignature, proof);
            _expectedServerSignature = new byte[ScramMath.KeyLength];
            ScramMath.Signature(serverKey, authMessage, _expectedServerSignature);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(normalized);
            CryptographicOperations.ZeroMemory(clientKey);
            CryptographicOperations.ZeroMemory(serverKey);
        }

        clientFinalMessage = [.. clientFinalWithoutProof, .. ",p="u8, .. Encoding.ASCII.GetBytes(Convert.ToBase64String(proof))];
        _state = State.SentClientFinal;
        return true;
    }

    /// <summary>
    /// Checks <c>v=ServerSignature</c> in constant time: proof that the server knew our verifier, not just relayed us.
    /// False for a wrong signature, an "e=" error or anything malformed.
    /// </summary>
    public bool VerifyServerFinalMessage(ReadOnlySpan<byte> serverFinalMessage)
    {
        if (_state != State.SentClientFinal)
        {
            throw new InvalidOperationException("VerifyServerFinalMessage needs a client-final-message first, and runs only once.");
        }

        _state = State.Finished;
        var reader = new ScramAttributeReader(serverFinalMessage);
        if (!reader.TryRead('v', out var verifierText) || !ScramBase64.TryDecode(verifierText, out var signature))
        {
            return false;
        }

        while (!reader.IsAtEnd)
        {
            if (!reader.TryRead(out _, out _))
            {
                return false;
            }
        }

        return CryptographicOperations.FixedTimeEquals(signature, _expectedServerSignature);
    }

    private bool TryReadServerFirst(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> nonce, [NotNullWhen(true)] out byte[]? salt, out int iterations)
    {
        salt = null;
        iterations = 0;
        var reader = new ScramAttributeReader(message);
        if (reader.NextIs('m') || !reader.TryRead('r', out nonce) || !reader.TryRead('s', out var saltText) || !reader.TryRead('i', out var iterationsText))
        {
            nonce = default;
            return false;
        }

        // The server's nonce must start with ours and add its own part, or this is a replay or a confused server.
        var clientNonce = _clientFirstBare.AsSpan(_clientFirstBare.AsSpan().IndexOf(",r="u8) + 3);
        if (nonce.Length <= clientNonce.Length || !nonce.StartsWith(clientNonce) || !ScramNonce.IsPrintable(nonce))
        {
            return false;
        }

        if (!ScramBase64.TryDecode(saltText, out salt) ||
            !int.TryParse(iterationsText, NumberStyles.None, CultureInfo.InvariantCulture, out iterations) ||
            iterations is < 1 or > MaxIterations)
        {
            return false;
        }

        // Extensions after i= are allowed by the grammar and ignored.
        while (!reader.IsAtEnd)
        {
            if (!reader.TryRead(out _, out _))
            {
                return false;
            }
        }

        return true;
    }
}
