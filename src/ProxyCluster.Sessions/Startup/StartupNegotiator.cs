using System.Buffers;
using System.IO.Pipelines;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Framing;
using ProxyCluster.Protocol.Frontend;

namespace ProxyCluster.Sessions.Startup;

/// <summary>
/// Reads the untyped packets a connection starts with. TLS is negotiated before this, by the listener's
/// <see cref="Tls.ClientTlsNegotiator"/>; encryption requests that reach this point are refused with <c>N</c> (the
/// client then continues in the clear or gives up, as it would with a server without TLS), except on a connection
/// that is already encrypted, where they are a protocol violation as in PostgreSQL.
/// </summary>
public static class StartupNegotiator
{
    /// <summary>A GSSENCRequest followed by an SSLRequest is the most a well-behaved client sends before starting.</summary>
    private const int MaxEncryptionRequests = 2;

    /// <param name="encrypted">The connection already runs over TLS: another SSLRequest or GSSENCRequest is refused as a violation.</param>
    public static async ValueTask<NegotiationResult> NegotiateAsync(IDuplexPipe client, int maxStartupLength, bool encrypted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        for (var requests = 0; ; requests++)
        {
            var frame = await ReadFrameAsync(client.Input, maxStartupLength, cancellationToken).ConfigureAwait(false);
            if (frame is null)
            {
                return NegotiationResult.ClosedEarly;
            }

            var (kind, packet, code) = frame.Value;
            switch (kind)
            {
                case StartupRequestKind.SslRequest or StartupRequestKind.GssEncRequest when requests < MaxEncryptionRequests && !encrypted:
                    client.Output.GetSpan(1)[0] = StartupCodes.Refuse;
                    client.Output.Advance(1);
                    await client.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                case StartupRequestKind.CancelRequest:
                    if (!CancelRequest.TryRead(new StartupFrame(code, packet), out var key))
                    {
                        throw new ProtocolViolationException("invalid length of cancel request packet");
                    }

                    return new NegotiationResult(NegotiationKind.Cancel, null, key, []);
                case StartupRequestKind.Startup:
                    var startup = StartupMessage.TryParse(new StartupFrame(code, packet), out var error)
                        ?? throw new ProtocolViolationException(error ?? "invalid startup packet layout");
                    return new NegotiationResult(NegotiationKind.Startup, startup, default, ProtocolOptionsOf(startup));
                case StartupRequestKind.Unsupported when code >> 16 is not 1234:
                    throw new ProtocolViolationException(
                        SqlState.FeatureNotSupported,
                        $"unsupported frontend protocol {code >> 16}.{code & 0xFFFF}: server supports 3.0 to 3.0");
                default:
                    throw new ProtocolViolationException("unexpected request code in startup packet");
            }
        }
    }

    private static List<string> ProtocolOptionsOf(StartupMessage startup)
    {
        var options = new List<string>();
        foreach (var (name, _) in startup.Parameters)
        {
            if (name.StartsWith("_pq_.", StringComparison.Ordinal))
            {
                options.Add(name);
            }
        }

        return options;
    }

    /// <summary>One startup packet, copied (they are small and few); null when the client closed between packets.</summary>
    private static async ValueTask<(StartupRequestKind Kind, ReadOnlySequence<byte> Packet, int Code)?> ReadFrameAsync(
        PipeReader input, int maxStartupLength, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var status = StartupFramer.TryReadFrame(ref buffer, maxStartupLength, out var frame);
            if (status == FrameStatus.Complete)
            {
                var copy = new ReadOnlySequence<byte>(frame.Packet.ToArray());
                input.AdvanceTo(buffer.Start);
                return (frame.Kind, copy, frame.Code);
            }

            if (status == FrameStatus.Invalid)
            {
                input.AdvanceTo(result.Buffer.Start);
                throw new ProtocolViolationException("invalid length of startup packet");
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                input.AdvanceTo(result.Buffer.End);
                if (result.Buffer.IsEmpty)
                {
                    return null;
                }

                throw new ProtocolViolationException("incomplete startup packet");
            }

            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}
