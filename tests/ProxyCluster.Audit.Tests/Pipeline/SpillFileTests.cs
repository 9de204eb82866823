using System.Text;
using ProxyCluster.Audit.Pipeline;
using ProxyCluster.Audit.Tests.Support;

namespace ProxyCluster.Audit.Tests.Pipeline;

public sealed class SpillFileTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Theory]
    [InlineData("control-store", "control-store.spill.jsonl")]
    [InlineData("file:/var/log/a b", "file__var_log_a_b.spill.jsonl")]
    public void FileNameFor_KeepsSafeCharactersOnly(string sink, string expected)
    {
        Assert.Equal(expected, SpillFile.FileNameFor(sink));
    }

    [Fact]
    public async Task ReadAsync_AfterAppends_ReturnsRecordsInOrderAndResumesAtOffset()
    {
        var spill = new SpillFile(_directory.Path, "sink");
        spill.Append([Records.Statement(0), Records.Statement(1), Records.Statement(2)]);
        spill.Append([Records.Statement(3)]);

        var first = new List<AuditRecord>();
        var read = await spill.ReadAsync(0, 2, first, CancellationToken.None);
        var rest = new List<AuditRecord>();
        var end = await spill.ReadAsync(read.NextOffset, 10, rest, CancellationToken.None);
        var none = new List<AuditRecord>();
        var after = await spill.ReadAsync(end.NextOffset, 10, none, CancellationToken.None);

        Assert.Equal([0, 1], Records.Sequences(first));
        Assert.Equal([2, 3], Records.Sequences(rest));
        Assert.Equal(spill.Length, end.NextOffset);
        Assert.Empty(none);
        Assert.Equal(end.NextOffset, after.NextOffset);
    }

    [Fact]
    public async Task ReadAsync_MissingFile_ReadsAsEmpty()
    {
        var records = new List<AuditRecord>();

        var read = await new SpillFile(_directory.Path, "nothing").ReadAsync(0, 10, records, CancellationToken.None);

        Assert.Equal(new SpillRead(0, 0), read);
        Assert.Empty(records);
    }

    [Fact]
    public async Task Append_AfterATornLine_StartsANewLine_AndReadSkipsAndCountsTheTornOne()
    {
        var spill = new SpillFile(_directory.Path, "sink");
        spill.Append([Records.Statement(0)]);
        await File.AppendAllTextAsync(spill.Path, """{"type":"statement","time":"2025""", Encoding.UTF8);
        spill.Append([Records.Statement(1)]);

        var records = new List<AuditRecord>();
        var read = await spill.ReadAsync(0, 10, records, CancellationToken.None);

        Assert.Equal([0, 1], Records.Sequences(records));
        Assert.Equal(1, read.Unreadable);
        Assert.Equal(spill.Length, read.NextOffset);
    }

    [Fact]
    public async Task ReadAsync_TornLastLine_IsSkippedAndCounted()
    {
        var spill = new SpillFile(_directory.Path, "sink");
        spill.Append([Records.Statement(0)]);
        await File.AppendAllTextAsync(spill.Path, """{"type":"sess""", Encoding.UTF8);

        var records = new List<AuditRecord>();
        var read = await spill.ReadAsync(0, 10, records, CancellationToken.None);

        Assert.Equal([0], Records.Sequences(records));
        Assert.Equal(new SpillRead(spill.Length, 1), read);
    }

    public void Dispose() => _directory.Dispose();
}
