using System.Text;

namespace ProxyCluster.Cli.Output;

/// <summary>
/// A table for people: a header row, columns padded to their widest cell and two spaces apart, no trailing blanks.
/// Cells go through <see cref="Cell.Text"/>, so a null is a dash and a stray newline cannot break a row.
/// </summary>
internal sealed class TableWriter
{
    private const string Gap = "  ";

    private readonly string[] _headers;
    private readonly List<string[]> _rows = [];

    public TableWriter(params string[] headers)
    {
        ArgumentOutOfRangeException.ThrowIfZero(headers.Length);
        _headers = headers;
    }

    public int RowCount => _rows.Count;

    public void AddRow(params string?[] cells)
    {
        if (cells.Length != _headers.Length)
        {
            throw new ArgumentException($"a row has {_headers.Length} cells, not {cells.Length}", nameof(cells));
        }

        _rows.Add(Array.ConvertAll(cells, Cell.Text));
    }

    public void WriteTo(TextWriter output)
    {
        var widths = new int[_headers.Length];
        foreach (var row in _rows.Prepend(_headers))
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        foreach (var row in _rows.Prepend(_headers))
        {
            output.WriteLine(FormatRow(row, widths));
        }
    }

    /// <summary>Label/value pairs, one per line, values aligned: the shape of a <c>show</c> command.</summary>
    public static void WriteFields(TextWriter output, IReadOnlyList<(string Label, string? Value)> fields)
    {
        var width = fields.Count == 0 ? 0 : fields.Max(field => field.Label.Length);
        foreach (var (label, value) in fields)
        {
            output.WriteLine($"{label.PadRight(width)}{Gap}{Cell.Text(value)}");
        }
    }

    private static string FormatRow(string[] row, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < row.Length; i++)
        {
            if (i > 0)
            {
                line.Append(Gap);
            }

            // The last column is not padded: lines end with their text, not with blanks.
            line.Append(i == row.Length - 1 ? row[i] : row[i].PadRight(widths[i]));
        }

        return line.ToString().TrimEnd();
    }
}
