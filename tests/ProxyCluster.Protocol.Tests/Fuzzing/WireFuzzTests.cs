using System.Buffers;
using System.Buffers.Binary;
using ProxyCluster.Protocol.Backend;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Framing;
using ProxyCluster.Protocol.Frontend;
using ProxyCluster.Tests.Fuzzing;

namespace ProxyCluster.Protocol.Tests.Fuzzing;

/// <summary>
/// Seeded mutations of valid wire bytes (see <see cref="ByteMutator"/>) through every reader a client's bytes
/// reach before authentication or inspection. Each reader must frame, parse or refuse: never throw, never read
/// past what a length word allows, never hand on a frame whose length disagrees with its header.
/// </summary>
public sealed class WireFuzzTests
{
    private const int MaxMessageLength = 64 * 1024;

    private static readonly byte[][] Messages =
    [
        Written(w => FrontendMessages.WriteQuery(w, "SELECT * FROM users WHERE name = 'x'")),
        Written(w => FrontendMessages.WriteParse(w, "s1", "INSERT INTO orders VALUES ($1, $2)")),
        Written(w => FrontendMessages.WritePasswordMessage(w, "pct_abcdefghijkl_secret")),
        Written(w => FrontendMessages.WriteSaslInitialResponse(w, "SCRAM-SHA-256", "n,,n=,r=abcdefghijkl"u8)),
        Written(w => FrontendMessages.WriteSaslResponse(w, "c=biws,r=abc,p=xyz"u8)),
        Written(FrontendMessages.WriteTerminate),
    ];

    private static readonly byte[][] StartupPackets =
    [
        Written(w => FrontendMessages.WriteStartupMessage(w, [new("user", "pct_abcdefghijkl"), new("database", "app"), new("application_name", "fuzz")])),
        Written(FrontendMessages.WriteSslRequest),
        Written(w => FrontendMessages.WriteCancelRequest(w, new CancelRequest(0x0500_0001, 1234))),
    ];

    private static readonly byte[] Error =
        Written(w => BackendMessages.WriteErrorResponse(w, PostgresError.Create("ERROR", "42501", "permission denied", detail: "d", hint: "h")));

    [Fact]
    public void Framer_MutatedStreams_FrameExactlyWhatTheHeadersSay()
    {
        FuzzRun.Times(4_000, (random, iteration) =>
        {
            byte[] stream = [.. Messages[random.Next(Messages.Length)], .. Messages[random.Next(Messages.Length)], .. Messages[random.Next(Messages.Length)]];
            var buffer = ByteMutator.Split(random, ByteMutator.Mutate(random, stream));
            while (true)
            {
                var before = buffer.Length;
                var status = MessageFramer.TryReadFrame(ref buffer, MaxMessageLength, out var frame);
                if (status == FrameStatus.Complete)
                {
                    Assert.Equal(before - frame.Body.Length - MessageFrame.HeaderLength, buffer.Length);
                    continue;
                }

                Assert.Equal(before, buffer.Length); // nothing consumed when no frame is returned
                var header = buffer.Slice(0, Math.Min(5, buffer.Length)).ToArray();
                if (status == FrameStatus.Invalid)
                {
                    var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
                    Assert.True(length < 4 || length > MaxMessageLength, $"a valid length {length} was called invalid");
                }
                else
                {
                    Assert.True(header.Length < 5 || 1L + BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1)) > buffer.Length, "a whole frame was reported incomplete");
                }

                break;
            }
        });
    }

    [Fact]
    public void Startup_MutatedPackets_ParseOrGiveAReason()
    {
        FuzzRun.Times(4_000, (random, iteration) =>
        {
            var buffer = ByteMutator.Split(random, ByteMutator.Mutate(random, StartupPackets[random.Next(StartupPackets.Length)]));
            if (StartupFramer.TryReadFrame(ref buffer, 10_000, out var frame) != FrameStatus.Complete)
            {
                return;
            }

            switch (frame.Kind)
            {
                case StartupRequestKind.Startup:
                    var message = StartupMessage.TryParse(frame, out var error);
                    Assert.True(message is not null ^ error is not null, "a startup packet must parse, or be refused with a reason");
                    break;
                case StartupRequestKind.CancelRequest:
                    _ = CancelRequest.TryRead(frame, out _);
                    break;
            }
        });
    }

    [Fact]
    public void Readers_MutatedBodies_ReadOrRefuse()
    {
        FuzzRun.Times(4_000, (random, iteration) =>
        {
            var message = Messages[random.Next(Messages.Length)];
            var body = ByteMutator.Split(random, ByteMutator.Mutate(random, message[MessageFrame.HeaderLength..]));
            if (FrontendReaders.TryReadQuery(body, out var sql))
            {
                Assert.DoesNotContain('\0', sql);
            }

            if (FrontendReaders.TryReadParse(body, out var name, out var parsed))
            {
                Assert.DoesNotContain('\0', name + parsed);
            }

            _ = FrontendReaders.TryReadPassword(body, out _);
            if (FrontendReaders.TryReadSaslInitialResponse(body, out var mechanism, out var data))
            {
                Assert.True(data.Length <= body.Length - mechanism.Length - 1 - 4);
            }
        });
    }

    [Fact]
    public void ErrorResponse_MutatedBodies_ReadWholeOrRefused_AndRoundTrip()
    {
        FuzzRun.Times(4_000, (random, iteration) =>
        {
            var body = ByteMutator.Split(random, ByteMutator.Mutate(random, Error[MessageFrame.HeaderLength..]));
            if (ErrorResponseReader.TryRead(body, out var error))
            {
                // Whatever was read is exactly what the proxy would write again: no field half-read or invented.
                var rewritten = Written(w => BackendMessages.WriteErrorResponse(w, error!));
                Assert.True(ErrorResponseReader.TryRead(new ReadOnlySequence<byte>(rewritten, MessageFrame.HeaderLength, rewritten.Length - MessageFrame.HeaderLength), out var again));
                Assert.Equal(error!.Fields, again!.Fields);
            }
        });
    }

    private static byte[] Written(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
