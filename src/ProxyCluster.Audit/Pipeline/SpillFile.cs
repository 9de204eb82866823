using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;

namespace ProxyCluster.Audit.Pipeline;

/// <summary>
/// One sink's undelivered records, as JSON lines in <c>&lt;spill directory&gt;/&lt;sink&gt;.spill.jsonl</c>. Appends are
/// fsync'd before the batch counts as spilled; reads go by byte offset so a half-finished redelivery resumes where
/// it stopped. Only the pipeline's loop touches it, so there is no locking.
/// </summary>
internal sealed class SpillFile
{
    public const string Extension = ".spill.jsonl";

    private const int ReadBufferSize = 64 * 1024;

    private readonly ArrayBufferWriter<byte> _buffer = new(ReadBufferSize);

    public SpillFile(string directory, string sinkName)
    {
        Path = System.IO.Path.Combine(directory, FileNameFor(sinkName));
    }

    public string Path { get; }

    public long Length
    {
        get
        {
            var info = new FileInfo(Path);
            return info.Exists ? info.Length : 0;
        }
    }

    /// <summary>The file name for a sink: characters outside <c>[A-Za-z0-9._-]</c> become <c>_</c>.</summary>
    public static string FileNameFor(string sinkName)
    {
        return string.Create(sinkName.Length, sinkName, static (span, name) =>
        {
            for (var i = 0; i < name.Length; i++)
            {
                var c = name[i];
                span[i] = char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_';
            }
        }) + Extension;
    }

    /// <summary>Appends the batch and waits until it is on disk.</summary>
    public void Append(IReadOnlyList<AuditRecord> batch)
    {
        _buffer.ResetWrittenCount();
        for (var i = 0; i < batch.Count; i++)
        {
            AuditJson.WriteLine(batch[i], _buffer);
        }

        using var stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, bufferSize: 0);
        if (stream.Length > 0)
        {
            // A crash mid-append leaves half a line; end it so the next record starts on a line of its own.
            stream.Seek(-1, SeekOrigin.End);
            if (stream.ReadByte() != '\n')
            {
                stream.WriteByte((byte)'\n');
            }
        }

        stream.Write(_buffer.WrittenSpan);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Reads up to <paramref name="maxRecords"/> records from byte <paramref name="offset"/> into <paramref name="into"/>.
    /// A missing file reads as empty. Unparseable lines (and a last line without its newline, which only a crash
    /// mid-append leaves, since the pipeline's loop is the only writer) are skipped and counted.
    /// </summary>
    public async ValueTask<SpillRead> ReadAsync(long offset, int maxRecords, List<AuditRecord> into, CancellationToken cancellationToken)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        }
        catch (FileNotFoundException)
        {
            return new SpillRead(offset, 0);
        }

        await using (stream.ConfigureAwait(false))
        {
            if (offset >= stream.Length)
            {
                return new SpillRead(offset, 0);
            }

            stream.Seek(offset, SeekOrigin.Begin);
            var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: ReadBufferSize, leaveOpen: true));
            var position = offset;
            var unreadable = 0;
            try
            {
                while (into.Count < maxRecords)
                {
                    var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    var buffer = result.Buffer;
                    while (into.Count < maxRecords && TryReadLine(ref buffer, out var line))
                    {
                        position += line.Length + 1;
                        if (!TryParse(line, into))
                        {
                            unreadable++;
                        }
                    }

                    if (result.IsCompleted && into.Count < maxRecords)
                    {
                        if (!buffer.IsEmpty)
                        {
                            position += buffer.Length;
                            unreadable++;
                        }

                        break;
                    }

                    reader.AdvanceTo(buffer.Start, buffer.End);
                }
            }
            finally
            {
                await reader.CompleteAsync().ConfigureAwait(false);
            }

            return new SpillRead(position, unreadable);
        }
    }

    public void Delete() => File.Delete(Path);

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, newline.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        return true;
    }

    private static bool TryParse(ReadOnlySequence<byte> line, List<AuditRecord> into)
    {
        if (line.IsEmpty)
        {
            // The newline that closed off a torn line; nothing was lost here.
            return true;
        }

        try
        {
            into.Add(AuditJson.ReadLine(line));
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
