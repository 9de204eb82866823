using System.Globalization;
using System.Text;
using System.Text.Json;
using ProxyCluster.Cli.Admin;
using ProxyCluster.Cli.Output;

namespace ProxyCluster.Cli.Commands.Audit;

/// <summary>
/// Prints audit records as they arrive, possibly in several rounds (<c>tail --follow</c>): JSON lines for scripts,
/// one record per line exactly as the node sent it; or a table for people whose header is written once and whose
/// columns only ever widen, so later rounds line up with earlier ones as far as they can.
/// </summary>
internal sealed class AuditRecordPrinter
{
    /// <summary>The query or reason column is cut here: the table is for scanning, <c>--json</c> has the whole text.</summary>
    public const int MaxSummaryLength = 80;

    private const string Gap = "  ";
    private const string Ellipsis = "...";

    private static readonly string[] Headers =
        ["TIME", "NODE", "SESSION", "TOKEN", "PRINCIPAL", "TYPE", "DECISION/EVENT", "SQLSTATE", "ROWS", "DURATION", "QUERY/REASON"];

    private readonly TextWriter _output;
    private readonly bool _json;
    private readonly int[] _widths = Array.ConvertAll(Headers, header => header.Length);
    private bool _headerWritten;

    public AuditRecordPrinter(TextWriter output, bool json)
    {
        _output = output;
        _json = json;
    }

    /// <summary>Records printed so far.</summary>
    public int Printed { get; private set; }

    /// <summary>Prints <paramref name="records"/> in the order given; false (and why) when one is not a record.</summary>
    public bool TryPrint(IReadOnlyList<JsonElement> records, out AdminFailure? failure)
    {
        failure = null;
        if (_json)
        {
            foreach (var record in records)
            {
                _output.WriteLine(JsonText.Compact(record.GetRawText()));
            }

            Printed += records.Count;
            return true;
        }

        var rows = new List<string[]>(records.Count);
        foreach (var record in records)
        {
            AuditRecordView? view;
            try
            {
                view = record.Deserialize(AuditJsonContext.Default.AuditRecordView);
            }
            catch (JsonException e)
            {
                failure = AdminFailure.Failure($"the node's answer holds an audit record proxyctl cannot read: {e.Message}");
                return false;
            }

            if (view is null)
            {
                failure = AdminFailure.Failure("the node's answer holds a null where proxyctl expects an audit record");
                return false;
            }

            rows.Add(Cells(view));
        }

        if (rows.Count == 0)
        {
            return true;
        }

        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                _widths[i] = Math.Max(_widths[i], row[i].Length);
            }
        }

        if (!_headerWritten)
        {
            _output.WriteLine(FormatRow(Headers));
            _headerWritten = true;
        }

        foreach (var row in rows)
        {
            _output.WriteLine(FormatRow(row));
        }

        Printed += rows.Count;
        return true;
    }

    /// <summary><c>850us</c>, <c>12.3ms</c>, <c>2.35s</c>.</summary>
    public static string Duration(long? microseconds) => microseconds switch
    {
        null => Cell.None,
        < 1_000 => microseconds.Value.ToString(CultureInfo.InvariantCulture) + "us",
        < 1_000_000 => (microseconds.Value / 1_000.0).ToString("0.#", CultureInfo.InvariantCulture) + "ms",
        _ => (microseconds.Value / 1_000_000.0).ToString("0.##", CultureInfo.InvariantCulture) + "s",
    };

    /// <summary>A statement's query, and why it was denied; a session's reason. One line, cut at <see cref="MaxSummaryLength"/>.</summary>
    public static string Summary(AuditRecordView record)
    {
        var text = record.Type == "statement"
            ? record.Reason is { Length: > 0 } reason ? $"{record.NormalizedQuery ?? Cell.None} ({reason})" : record.NormalizedQuery
            : record.Reason;
        if (string.IsNullOrWhiteSpace(text))
        {
            return Cell.None;
        }

        // Normalized queries keep the client's line breaks and indentation: one space per run of blanks reads better.
        var line = new StringBuilder(Math.Min(text.Length, MaxSummaryLength + Ellipsis.Length));
        foreach (var c in text.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                if (line.Length > 0 && line[^1] != ' ')
                {
                    line.Append(' ');
                }
            }
            else
            {
                line.Append(c);
            }
        }

        return line.Length <= MaxSummaryLength ? line.ToString() : line.ToString(0, MaxSummaryLength - Ellipsis.Length) + Ellipsis;
    }

    private static string[] Cells(AuditRecordView record) =>
    [
        record.Time is { } time ? time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : Cell.None,
        Cell.Text(record.NodeId),
        Cell.Text(record.SessionId),
        Cell.Text(record.TokenId),
        Cell.Text(record.Principal),
        Cell.Text(record.Type),
        Cell.Text(record.Type == "session" ? record.Event : record.Decision),
        Cell.Text(record.SqlState),
        Cell.Number(record.Rows),
        Duration(record.DurationMicroseconds),
        Summary(record),
    ];

    private string FormatRow(string[] row)
    {
        var line = new StringBuilder();
        for (var i = 0; i < row.Length; i++)
        {
            if (i > 0)
            {
                line.Append(Gap);
            }

            // The last column is not padded: lines end with their text, not with blanks.
            line.Append(i == row.Length - 1 ? row[i] : row[i].PadRight(_widths[i]));
        }

        return line.ToString().TrimEnd();
    }
}
