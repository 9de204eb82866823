using System.Threading.Channels;

namespace ProxyCluster.Sessions.Lifecycle;

/// <summary>
/// A live session as the rest of the node sees it: who it is and a mailbox to send it commands. Posting never
/// blocks and never touches the session's sockets; the session acts on commands on its own schedule.
/// </summary>
public sealed class SessionHandle
{
    private readonly Channel<SessionCommand> _mailbox = Channel.CreateBounded<SessionCommand>(
        new BoundedChannelOptions(16) { SingleReader = true, FullMode = BoundedChannelFullMode.DropNewest });

    public SessionHandle(long id, string tokenId, string principal, string database, string clientAddress, DateTimeOffset startedAt)
    {
        Id = id;
        TokenId = tokenId;
        Principal = principal;
        Database = database;
        ClientAddress = clientAddress;
        StartedAt = startedAt;
    }

    public long Id { get; }

    public string TokenId { get; }

    public string Principal { get; }

    public string Database { get; }

    public string ClientAddress { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>For an identity outside the registry (a JWT): when its credential expires, so the session is cut then.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>
    /// The token secret the client proved at login (null for a JWT or a certificate). A rotation retires it at the
    /// end of its overlap, and the session ends with it (<see cref="ProxyCluster.Tokens.TokenRecord.StillAccepts"/>).
    /// </summary>
    public ProxyCluster.Tokens.TokenSecretVerifier? Secret { get; init; }

    public ChannelReader<SessionCommand> Mailbox => _mailbox.Reader;

    /// <summary>False when the session has already ended (its mailbox is closed).</summary>
    public bool Post(SessionCommand command) => _mailbox.Writer.TryWrite(command);

    internal void Close() => _mailbox.Writer.TryComplete();
}
