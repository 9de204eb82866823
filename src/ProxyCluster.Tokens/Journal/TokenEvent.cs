namespace ProxyCluster.Tokens.Journal;

/// <summary>
/// One entry of the token journal. <see cref="Ordering"/> is the global position (strictly increasing in commit
/// order, with holes); <see cref="Seq"/> counts this token's events from 1 without holes, so a replica notices a
/// missed event of a token even where orderings have holes. <see cref="Actor"/> is who did it (an operator, or
/// <c>node:&lt;id&gt;</c>); <see cref="Reason"/> is why, as they said it.
/// </summary>
public sealed record TokenEvent(
    long Ordering,
    string TokenId,
    int Seq,
    TokenEventType Type,
    DateTimeOffset At,
    string Actor,
    string? Reason,
    TokenEventPayload Payload);
