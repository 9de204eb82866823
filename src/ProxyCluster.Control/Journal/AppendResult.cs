using System.Diagnostics.CodeAnalysis;
using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Control.Journal;

/// <summary>The outcome of <see cref="TokenJournal.AppendAsync"/>: the committed event, or why there is none.</summary>
public sealed record AppendResult
{
    private AppendResult(TokenEvent? appended, AppendRefusal refusal, string? reason)
    {
        Event = appended;
        Refusal = refusal;
        Reason = reason;
    }

    /// <summary>The committed event, with its ordering, seq and the store's time; null when refused.</summary>
    public TokenEvent? Event { get; }

    /// <summary><see cref="AppendRefusal.None"/> when appended.</summary>
    public AppendRefusal Refusal { get; }

    /// <summary>Why the event was refused, for humans ("the token is already revoked"); null when appended.</summary>
    public string? Reason { get; }

    [MemberNotNullWhen(true, nameof(Event))]
    [MemberNotNullWhen(false, nameof(Reason))]
    public bool IsAppended => Event is not null;

    public static AppendResult Appended(TokenEvent appended)
    {
        ArgumentNullException.ThrowIfNull(appended);
        return new AppendResult(appended, AppendRefusal.None, null);
    }

    public static AppendResult Refused(AppendRefusal refusal, string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        if (refusal == AppendRefusal.None)
        {
            throw new ArgumentOutOfRangeException(nameof(refusal), refusal, "a refusal has a kind");
        }

        return new AppendResult(null, refusal, reason);
    }
}
