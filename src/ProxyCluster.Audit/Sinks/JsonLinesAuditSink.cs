using System.Buffers;

namespace ProxyCluster.Audit.Sinks;

/// <summary>
/// Writes each batch as JSON lines (<see cref="AuditJson"/>) to a stream — an append-only file or stdout — and
/// flushes once per batch, so a record the pipeline counts as written has reached the operating system.
/// </summary>
public sealed class JsonLinesAuditSink : IAuditSink, IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);

    // The pipeline never calls concurrently, but a sink that gave up on a hung write may be called again while the
    // abandoned write is still running.
    private readonly SemaphoreSlim _gate = new(1, 1);

    // Set when a write failed part-way: the stream may end in half a line, which the next write closes off so that
    // every record it writes is whole and parseable.
    private bool _mayEndMidLine;

    public JsonLinesAuditSink(string name, Stream stream, bool ownsStream)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(stream);
        Name = name;
        _stream = stream;
        _ownsStream = ownsStream;
    }

    public string Name { get; }

    /// <summary>Appends to <paramref name="path"/>, creating it and its directory if needed. Others may read it meanwhile.</summary>
    public static JsonLinesAuditSink ToFile(string path, string name = "file")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        // No FileStream buffer: each batch is already one buffer. FileShare.Delete lets logrotate move the file.
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0);
        return new JsonLinesAuditSink(name, stream, ownsStream: true);
    }

    /// <summary>
    /// Writes to the process's standard output, whole batches of whole lines. The stream is not closed on disposal:
    /// the console logger may still be writing there during shutdown.
    /// </summary>
    public static JsonLinesAuditSink ToStandardOutput(string name = "stdout") =>
        new(name, Console.OpenStandardOutput(), ownsStream: false);

    public async ValueTask WriteAsync(IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _buffer.ResetWrittenCount();
            if (_mayEndMidLine)
            {
                _buffer.GetSpan(1)[0] = (byte)'\n';
                _buffer.Advance(1);
            }

            for (var i = 0; i < batch.Count; i++)
            {
                AuditJson.WriteLine(batch[i], _buffer);
            }

            _mayEndMidLine = true;
            await _stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            _mayEndMidLine = false;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsStream)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }

        _gate.Dispose();
    }
}
