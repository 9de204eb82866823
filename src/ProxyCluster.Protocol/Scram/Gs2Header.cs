namespace ProxyCluster.Protocol.Scram;

/// <summary>The client's channel-binding choice, the first letter of the GS2 header (RFC 5802 section 7).</summary>
internal enum ChannelBindingFlag
{
    /// <summary>"n": the client does not support channel binding.</summary>
    NotSupported,
    /// <summary>"y": the client supports channel binding but thinks the server does not.</summary>
    ClientSupported,
    /// <summary>"p=cb-name": the client requires channel binding (SCRAM-SHA-256-PLUS).</summary>
    Required,
}

/// <summary>Reads <c>gs2-header = gs2-cbind-flag "," [ authzid ] ","</c> from the front of a client-first-message.</summary>
internal static class Gs2Header
{
    /// <summary>
    /// False when the header is not well formed or names an authorization identity: like PostgreSQL we do not
    /// support acting as another user, so a non-empty authzid is refused rather than ignored.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> message, out ChannelBindingFlag flag, out int length) =>
        TryRead(message, out flag, out _, out length);

    /// <param name="channelBindingName">For <see cref="ChannelBindingFlag.Required"/>, where the cb-name (after "p=") is in the message.</param>
    public static bool TryRead(ReadOnlySpan<byte> message, out ChannelBindingFlag flag, out Range channelBindingName, out int length)
    {
        flag = default;
        channelBindingName = default;
        length = 0;

        var firstComma = message.IndexOf((byte)',');
        if (firstComma < 0)
        {
            return false;
        }

        var cbind = message[..firstComma];
        if (cbind.SequenceEqual("n"u8))
        {
            flag = ChannelBindingFlag.NotSupported;
        }
        else if (cbind.SequenceEqual("y"u8))
        {
            flag = ChannelBindingFlag.ClientSupported;
        }
        else if (cbind.Length > 2 && cbind.StartsWith("p="u8))
        {
            flag = ChannelBindingFlag.Required;
            channelBindingName = 2..firstComma;
        }
        else
        {
            return false;
        }

        // The authzid field must be empty: the second comma follows the first immediately.
        if (message.Length <= firstComma + 1 || message[firstComma + 1] != (byte)',')
        {
            return false;
        }

        length = firstComma + 2;
        return true;
    }
}
