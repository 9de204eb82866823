using System.Buffers;
using System.IO.Pipelines;
using ProxyCluster.Sessions.Relay;
using ProxyCluster.Sessions.Tests.Support;

namespace ProxyCluster.Sessions.Tests.Relay;

/// <summary>
/// A <see cref="RelayPump"/> between two in-memory pipes, already running. With <see cref="DuplexPipe.Inline"/>
/// pipes (the default) the pump runs on the writer's thread, so each <see cref="WriteAsync"/> is one read for the
/// pump and has been relayed by the time it returns: splits in the tests are splits the pump really sees.
/// </summary>
internal sealed class PumpRig
{
    public PumpRig(IFrameInspector inspector, int maxMessageLength = 1024 * 1024, PipeOptions? options = null)
    {
        Source = new Pipe(options ?? DuplexPipe.Inline);
        Destination = new Pipe(options ?? DuplexPipe.Inline);
        Pump = new RelayPump(Source.Reader, Destination.Writer, inspector, maxMessageLength);
        Outcome = Pump.RunAsync(CancellationToken.None);
    }

    public Pipe Source { get; }

    public Pipe Destination { get; }

    public RelayPump Pump { get; }

    public Task<RelayOutcome> Outcome { get; }

    /// <summary>Writes and flushes: one read for the pump.</summary>
    public async Task WriteAsync(byte[] bytes) => await Source.Writer.WriteAsync(bytes).AsTask().WaitAsync(Wire.Timeout);

    /// <summary>The source's end-of-stream, then how the pump ended.</summary>
    public async Task<RelayOutcome> CloseSourceAsync()
    {
        await Source.Writer.CompleteAsync();
        return await Outcome.WaitAsync(Wire.Timeout);
    }

    /// <summary>Whatever the pump has flushed to the destination so far, consumed.</summary>
    public byte[] TakeForwarded()
    {
        if (!Destination.Reader.TryRead(out var result))
        {
            return [];
        }

        var bytes = result.Buffer.ToArray();
        Destination.Reader.AdvanceTo(result.Buffer.End);
        return bytes;
    }

    /// <summary>After the pump has stopped: everything it forwarded that was not taken yet.</summary>
    public async Task<byte[]> DrainDestinationAsync()
    {
        await Destination.Writer.CompleteAsync();
        return await ReadToEndAsync(Destination.Reader);
    }

    public static async Task<byte[]> ReadToEndAsync(PipeReader reader)
    {
        var bytes = new List<byte>();
        while (true)
        {
            var result = await reader.ReadAsync().AsTask().WaitAsync(Wire.Timeout);
            foreach (var segment in result.Buffer)
            {
                bytes.AddRange(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return [.. bytes];
            }
        }
    }
}
