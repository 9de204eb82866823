using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Control.Journal;

/// <summary>
/// A request to append one event to a token's history. The journal decides the ordering, the seq and the time
/// (the store's clock), and refuses the event when the token's current state does not allow it.
/// </summary>
public sealed record TokenAppend(
    string TokenId,
    TokenEventType Type,
    string Actor,
    string? Reason,
    TokenEventPayload Payload);
