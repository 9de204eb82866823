using System.Text;

namespace ProxyCluster.Cli.Commands;

/// <summary>Appends bootstrap lines to a node's token file.</summary>
internal static class TokenFileAppender
{
    /// <summary>
    /// Appends <paramref name="line"/> and a newline, first ending an unterminated last line so two entries never
    /// share one. A new file is created readable by its owner only (0600): verifiers are not secrets, but they
    /// allow offline guessing and say which tokens exist.
    /// </summary>
    public static void AppendLine(string path, string line)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.Read,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var file = new FileStream(path, options);
        var separator = "";
        if (file.Length > 0)
        {
            file.Seek(-1, SeekOrigin.End);
            separator = file.ReadByte() == '\n' ? "" : "\n";
        }

        file.Seek(0, SeekOrigin.End);
        file.Write(Encoding.UTF8.GetBytes(separator + line + "\n"));
        file.Flush(flushToDisk: true);
    }
}
