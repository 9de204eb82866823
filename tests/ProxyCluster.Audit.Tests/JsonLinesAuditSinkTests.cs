using System.Text;
using ProxyCluster.Audit.Sinks;
using ProxyCluster.Audit.Tests.Support;

namespace ProxyCluster.Audit.Tests;

public sealed class JsonLinesAuditSinkTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task WriteAsync_ToFile_AppendsOneLinePerRecordAcrossReopens()
    {
        var path = _directory.File("logs/audit.jsonl");
        await using (var sink = JsonLinesAuditSink.ToFile(path))
        {
            await sink.WriteAsync([Records.Statement(0), Records.Statement(1)], CancellationToken.None);
        }

        await using (var sink = JsonLinesAuditSink.ToFile(path))
        {
            await sink.WriteAsync([Records.Statement(2)], CancellationToken.None);
        }

        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal(Records.Range(0, 3), Records.Sequences(lines.Select(line => AuditJson.ReadLine(Encoding.UTF8.GetBytes(line)))));
    }

    [Fact]
    public async Task WriteAsync_AfterAWriteFailedHalfway_NextBatchStartsOnALineOfItsOwn()
    {
        var stream = new TearingStream { TearNextWriteAfter = 20 };
        await using var sink = new JsonLinesAuditSink("torn", stream, ownsStream: true);

        await Assert.ThrowsAsync<IOException>(async () => await sink.WriteAsync([Records.Statement(0)], CancellationToken.None));
        await sink.WriteAsync([Records.Statement(1)], CancellationToken.None);

        var lines = Encoding.UTF8.GetString(stream.ToArray()).Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal(20, lines[0].Length);
        Assert.Equal(1, Records.SequenceOf(AuditJson.ReadLine(Encoding.UTF8.GetBytes(lines[1]))));
        Assert.Equal(string.Empty, lines[2]);
    }

    /// <summary>A memory stream whose next write stores only a prefix and then fails, as a full disk does.</summary>
    private sealed class TearingStream : MemoryStream
    {
        public int? TearNextWriteAfter { get; set; }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (TearNextWriteAfter is { } keep)
            {
                TearNextWriteAfter = null;
                Write(buffer.Span[..keep]);
                throw new IOException("No space left on device");
            }

            return base.WriteAsync(buffer, cancellationToken);
        }
    }

    public void Dispose() => _directory.Dispose();
}
