using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ProxyCluster.Protocol.Scram;

/// <summary>
/// The proxy as SCRAM-SHA-256 server (RFC 5802, RFC 7677, as PostgreSQL speaks it), and as SCRAM-SHA-256-PLUS
/// when given the connection's channel binding. One instance per authentication attempt: client-first, then
/// client-final. Several candidate verifiers may be given - the old and
/// new secret of a token during a rotation overlap - and they must share salt and iterations, since the client
/// derives its proof from the one salt we announce. The proof is checked against every candidate in constant time.
/// </summary>
public sealed class ScramServerExchange
{
    public const string Mechanism = "SCRAM-SHA-256";

    /// <summary>SCRAM-SHA-256 bound to the TLS channel (RFC 5802 section 6); only offered with channel binding data.</summary>
    public const string PlusMechanism = "SCRAM-SHA-256-PLUS";

    private readonly ScramVerifier[] _candidates;
    private readonly bool _channelBindingOffered;
    private readonly ScramChannelBinding? _channelBinding;
    private readonly bool _alwaysFail;
    private readonly string _serverNonce;

    private State _state = State.AwaitingClientFirst;
    private byte[] _clientFirstBare = [];
    private byte[] _serverFirst = [];
    private byte[] _combinedNonce = [];
    private byte[] _expectedChannelBinding = [];

    /// <param name="candidates">At least one verifier; all with the same salt and iteration count.</param>
    /// <param name="channelBindingOffered">
    /// Whether the server advertised SCRAM-SHA-256-PLUS. Then a client that says "y" (supports channel binding but
    /// thinks we do not) has seen a downgraded mechanism list, and RFC 5802 requires failing it.
    /// </param>
    public ScramServerExchange(IReadOnlyList<ScramVerifier> candidates, bool channelBindingOffered = false)
        : this(candidates, channelBindingOffered, ScramNonce.Create(), alwaysFail: false)
    {
    }

    /// <summary>
    /// An exchange on a TLS connection: offers <see cref="PlusMechanism"/> bound to <paramref name="channelBinding"/>
    /// (the connection's <c>tls-server-end-point</c>) as well as plain <see cref="Mechanism"/>.
    /// </summary>
    public ScramServerExchange(IReadOnlyList<ScramVerifier> candidates, ScramChannelBinding channelBinding)
        : this(candidates, channelBinding ?? throw new ArgumentNullException(nameof(channelBinding)), ScramNonce.Create(), alwaysFail: false)
    {
    }

    /// <summary>For tests (fixed server nonce) and for <see cref="ForUnknownUser(string)"/>.</summary>
    internal ScramServerExchange(IReadOnlyList<ScramVerifier> candidates, bool channelBindingOffered, string serverNonce, bool alwaysFail)
        : this(candidates, channelBinding: null, serverNonce, alwaysFail) => _channelBindingOffered = channelBindingOffered;

    /// <summary>For tests (fixed server nonce) and for <see cref="ForUnknownUser(string, ScramChannelBinding?)"/>.</summary>
    internal ScramServerExchange(IReadOnlyList<ScramVerifier> candidates, ScramChannelBinding? channelBinding, string serverNonce, bool alwaysFail)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentException.ThrowIfNullOrEmpty(serverNonce);
        if (candidates.Count == 0)
        {
            throw new ArgumentException("At least one verifier is required; use ForUnknownUser when there is none.", nameof(candidates));
        }

        var first = candidates[0];
        foreach (var candidate in candidates)
        {
            ArgumentNullException.ThrowIfNull(candidate, nameof(candidates));
            if (candidate.Iterations != first.Iterations || !candidate.Salt.AsSpan().SequenceEqual(first.Salt))
            {
                throw new ArgumentException("All candidate verifiers must share salt and iteration count.", nameof(candidates));
            }

            if (candidate.StoredKey.Length != ScramMath.KeyLength || candidate.ServerKey.Length != ScramMath.KeyLength)
            {
                throw new ArgumentException("A candidate verifier has keys of the wrong length.", nameof(candidates));
            }
        }

        _candidates = [.. candidates];
        _channelBinding = channelBinding;
        _channelBindingOffered = channelBinding is not null;
        _serverNonce = serverNonce;
        _alwaysFail = alwaysFail;
    }

    private enum State
    {
        AwaitingClientFirst,
        AwaitingClientFinal,
        Finished,
    }

    /// <summary>The mechanisms to announce in AuthenticationSASL, in PostgreSQL's order: -PLUS first when it is offered.</summary>
    public IReadOnlyList<string> Mechanisms => _channelBinding is null ? [Mechanism] : [PlusMechanism, Mechanism];

    /// <summary>True once a client-first-message selected <see cref="PlusMechanism"/> with matching channel binding.</summary>
    public bool IsChannelBound { get; private set; }

    /// <summary>Which candidate the client's proof matched, or -1 when none did (yet).</summary>
    public int MatchedVerifierIndex { get; private set; } = -1;

    /// <summary>
    /// An exchange for a user we do not know. It announces a fake salt derived from the user name and a
    /// per-process secret, so a probe cannot tell an unknown user from a wrong password, and always fails at the
    /// final step. Behind a load balancer, prefer <see cref="ForUnknownUser(string, ReadOnlySpan{byte})"/> with a
    /// secret every node shares, or two nodes would announce different salts for the same name.
    /// </summary>
    public static ScramServerExchange ForUnknownUser(string userName) =>
        ForUnknownUser(userName, UnknownUserVerifier.ProcessSecret);

    /// <param name="userName">The name the client asked for.</param>
    /// <param name="mockSaltSecret">At least 16 bytes; the same on every node of a cluster.</param>
    public static ScramServerExchange ForUnknownUser(string userName, ReadOnlySpan<byte> mockSaltSecret) =>
        new([UnknownUserVerifier.Create(userName, mockSaltSecret)], channelBindingOffered: false, ScramNonce.Create(), alwaysFail: true);

    /// <summary>
    /// As <see cref="ForUnknownUser(string)"/>, on a TLS connection: announces the same mechanisms as an exchange for a
    /// known user would, so the mechanism list does not tell a prober whether the user exists.
    /// </summary>
    public static ScramServerExchange ForUnknownUser(string userName, ScramChannelBinding? channelBinding) =>
        new([UnknownUserVerifier.Create(userName, UnknownUserVerifier.ProcessSecret)], channelBinding, ScramNonce.Create(), alwaysFail: true);

    /// <summary>
    /// Reads <c>gs2-header [m=...,] n=user,r=c-nonce[,extensions]</c> and answers <c>r=c-nonce+s-nonce,s=salt,i=iterations</c>.
    /// The user name is ignored, as PostgreSQL does: the user was named in the startup packet.
    /// </summary>
    public ScramResult HandleClientFirst(ReadOnlySpan<byte> clientFirstMessage, out byte[] serverFirstMessage) =>
        HandleClientFirst(Mechanism, clientFirstMessage, out serverFirstMessage);

    /// <summary>
    /// As <see cref="HandleClientFirst(ReadOnlySpan{byte}, out byte[])"/> for the mechanism the client selected in its
    /// SASLInitialResponse. The GS2 header must agree with it: <see cref="PlusMechanism"/> needs
    /// <c>p=tls-server-end-point</c> and channel binding data; <see cref="Mechanism"/> must not carry <c>p=</c>.
    /// </summary>
    public ScramResult HandleClientFirst(string mechanism, ReadOnlySpan<byte> clientFirstMessage, out byte[] serverFirstMessage)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        if (_state != State.AwaitingClientFirst)
        {
            throw new InvalidOperationException("The client-first-message has already been handled.");
        }

        // Whatever happens below, this exchange does not accept another client-first-message.
        _state = State.Finished;
        serverFirstMessage = [];

        if (!Gs2Header.TryRead(clientFirstMessage, out var flag, out var channelBindingName, out var headerLength))
        {
            return ScramResult.Malformed;
        }

        // The mechanism and the GS2 header must tell the same story, as PostgreSQL insists: -PLUS only with "p=" of
        // the one type we can check, and "p=" only with -PLUS (and only when we have data to check it against).
        var plus = mechanism == PlusMechanism;
        if ((!plus && mechanism != Mechanism) || (plus && _channelBinding is null) || plus != (flag == ChannelBindingFlag.Required))
        {
            return ScramResult.Malformed;
        }

        if (plus && !Encoding.ASCII.GetBytes(_channelBinding!.Type).AsSpan().SequenceEqual(clientFirstMessage[channelBindingName]))
        {
            return ScramResult.Malformed;
        }

        var bare = clientFirstMessage[headerLength..];
        var reader = new ScramAttributeReader(bare);

        // "m=" is reserved for mandatory extensions, which we (like everyone) do not know: RFC 5802 says fail.
        if (reader.NextIs('m') || !reader.TryRead('n', out _) || !reader.TryRead('r', out var clientNonce) || !ScramNonce.IsPrintable(clientNonce))
        {
            return ScramResult.Malformed;
        }

        // Optional extensions after the nonce are allowed by the grammar and ignored, as PostgreSQL does.
        while (!reader.IsAtEnd)
        {
            if (!reader.TryRead(out _, out _))
            {
                return ScramResult.Malformed;
            }
        }

        if (flag == ChannelBindingFlag.ClientSupported && _channelBindingOffered)
        {
            return ScramResult.Failed;
        }

        // c= in the client-final-message is base64(gs2-header [cbind-data]): the header, plus for -PLUS the channel
        // binding data this server computed from its own end of the TLS connection.
        var header = clientFirstMessage[..headerLength];
        _expectedChannelBinding = plus
            ? Encoding.ASCII.GetBytes(Convert.ToBase64String([.. header, .. _channelBinding!.Data.Span]))
            : Encoding.ASCII.GetBytes(Convert.ToBase64String(header));
        IsChannelBound = plus;
        _clientFirstBare = bare.ToArray();
        _combinedNonce = [.. clientNonce, .. Encoding.ASCII.GetBytes(_serverNonce)];

        var verifier = _candidates[0];
        _serverFirst = Encoding.ASCII.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"r={Encoding.ASCII.GetString(_combinedNonce)},s={Convert.ToBase64String(verifier.Salt)},i={verifier.Iterations}"));

        serverFirstMessage = _serverFirst;
        _state = State.AwaitingClientFinal;
        return ScramResult.Continue;
    }

    /// <summary>
    /// Reads <c>c=channel-binding,r=nonce[,extensions],p=proof</c>, checks all three and on success answers
    /// <c>v=ServerSignature</c>. On failure the out message is empty: PostgreSQL reports failure with an
    /// ErrorResponse, not a SCRAM "e=" attribute.
    /// </summary>
    public ScramResult HandleClientFinal(ReadOnlySpan<byte> clientFinalMessage, out byte[] serverFinalMessage)
    {
        if (_state != State.AwaitingClientFinal)
        {
            throw new InvalidOperationException("HandleClientFinal needs a successful HandleClientFirst, and only once.");
        }

        _state = State.Finished;
        serverFinalMessage = [];

        var reader = new ScramAttributeReader(clientFinalMessage);
        if (!reader.TryRead('c', out var channelBinding) || !reader.TryRead('r', out var nonce))
        {
            return ScramResult.Malformed;
        }

        // The proof must be the last attribute; everything before its comma is signed.
        ReadOnlySpan<byte> proofText;
        int withoutProofLength;
        while (true)
        {
            var start = reader.Position;
            if (!reader.TryRead(out var name, out var value))
            {
                return ScramResult.Malformed;
            }

            if (name == (byte)'p')
            {
                proofText = value;
                withoutProofLength = start - 1;
                break;
            }
        }

        if (!reader.IsAtEnd || !ScramBase64.TryDecode(proofText, out var proof) || proof.Length != ScramMath.KeyLength)
        {
            return ScramResult.Malformed;
        }

        // c= must repeat the GS2 header the client sent first, so a man in the middle cannot strip it.
        if (!channelBinding.SequenceEqual(_expectedChannelBinding) || !nonce.SequenceEqual(_combinedNonce))
        {
            return ScramResult.Failed;
        }

        var authMessage = ScramMath.AuthMessage(_clientFirstBare, _serverFirst, clientFinalMessage[..withoutProofLength]);
        var matched = FindMatchingCandidate(authMessage, proof);
        if (matched < 0 || _alwaysFail)
        {
            return ScramResult.Failed;
        }

        Span<byte> serverSignature = stackalloc byte[ScramMath.KeyLength];
        ScramMath.Signature(_candidates[matched].ServerKey, authMessage, serverSignature);
        serverFinalMessage = Encoding.ASCII.GetBytes("v=" + Convert.ToBase64String(serverSignature));
        MatchedVerifierIndex = matched;
        return ScramResult.Success;
    }

    /// <summary>
    /// Recovers ClientKey = proof XOR HMAC(StoredKey, AuthMessage) per candidate and checks H(ClientKey) == StoredKey.
    /// Every candidate is checked, with no early exit, so timing does not reveal which secret (old or new) matched.
    /// </summary>
    private int FindMatchingCandidate(ReadOnlySpan<byte> authMessage, ReadOnlySpan<byte> proof)
    {
        Span<byte> clientSignature = stackalloc byte[ScramMath.KeyLength];
        Span<byte> clientKey = stackalloc byte[ScramMath.KeyLength];
        Span<byte> storedKey = stackalloc byte[ScramMath.KeyLength];
        var matched = -1;
        for (var i = 0; i < _candidates.Length; i++)
        {
            ScramMath.Signature(_candidates[i].StoredKey, authMessage, clientSignature);
            ScramMath.Xor(proof, clientSignature, clientKey);
            SHA256.HashData(clientKey, storedKey);
            var equal = CryptographicOperations.FixedTimeEquals(storedKey, _candidates[i].StoredKey);
            matched = equal && matched < 0 ? i : matched;
        }

        // A recovered ClientKey is a working credential; do not leave it on the stack.
        CryptographicOperations.ZeroMemory(clientKey);
        return matched;
    }
}
