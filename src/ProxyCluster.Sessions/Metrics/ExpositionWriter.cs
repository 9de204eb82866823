using System.Buffers;
using System.Text;

namespace ProxyCluster.Sessions.Metrics;

/// <summary>
/// Writes the Prometheus text exposition format 0.0.4 as UTF-8: <c># HELP</c> and <c># TYPE</c> lines, then
/// <c>name{label="value",…} value</c> lines, each ending in <c>\n</c>.
/// </summary>
internal sealed class ExpositionWriter
{
    private static readonly SearchValues<char> HelpSpecials = SearchValues.Create("\\\n");
    private static readonly SearchValues<char> LabelValueSpecials = SearchValues.Create("\\\n\"");

    private readonly IBufferWriter<byte> _output;

    public ExpositionWriter(IBufferWriter<byte> output) => _output = output;

    public void WriteHeader(string name, string help, string type)
    {
        // HELP text escapes backslash and newline only; a quote means nothing there.
        Write("# HELP "u8);
        Write(name);
        Write(" "u8);
        WriteEscaped(help, HelpSpecials);
        Write("\n# TYPE "u8);
        Write(name);
        Write(" "u8);
        Write(type);
        Write("\n"u8);
    }

    public void WriteSample(string name, string? suffix, string[] labelNames, string[] labelValues, string? le, long value)
    {
        WriteSeries(name, suffix, labelNames, labelValues, le);
        var span = _output.GetSpan(20);
        value.TryFormat(span, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        _output.Advance(written);
        Write("\n"u8);
    }

    public void WriteSample(string name, string? suffix, string[] labelNames, string[] labelValues, string? le, double value)
    {
        WriteSeries(name, suffix, labelNames, labelValues, le);
        if (double.IsPositiveInfinity(value))
        {
            Write("+Inf"u8);
        }
        else if (double.IsNegativeInfinity(value))
        {
            Write("-Inf"u8);
        }
        else if (double.IsNaN(value))
        {
            Write("NaN"u8);
        }
        else
        {
            // The default format is the shortest text that reads back as the same double ("0.25", "1E-05").
            var span = _output.GetSpan(32);
            value.TryFormat(span, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
            _output.Advance(written);
        }

        Write("\n"u8);
    }

    private void WriteSeries(string name, string? suffix, string[] labelNames, string[] labelValues, string? le)
    {
        Write(name);
        if (suffix is not null)
        {
            Write(suffix);
        }

        if (labelNames.Length == 0 && le is null)
        {
            Write(" "u8);
            return;
        }

        Write("{"u8);
        for (var i = 0; i < labelNames.Length; i++)
        {
            if (i > 0)
            {
                Write(","u8);
            }

            Write(labelNames[i]);
            Write("=\""u8);
            WriteEscaped(labelValues[i], LabelValueSpecials);
            Write("\""u8);
        }

        if (le is not null)
        {
            Write(labelNames.Length > 0 ? ",le=\""u8 : "le=\""u8);
            Write(le);
            Write("\""u8);
        }

        Write("} "u8);
    }

    private void WriteEscaped(string text, SearchValues<char> specials)
    {
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var at = rest.IndexOfAny(specials);
            if (at < 0)
            {
                Write(rest);
                return;
            }

            Write(rest[..at]);
            Write(rest[at] switch
            {
                '\\' => "\\\\"u8,
                '\n' => "\\n"u8,
                _ => "\\\""u8,
            });
            rest = rest[(at + 1)..];
        }
    }

    private void Write(ReadOnlySpan<char> text)
    {
        var span = _output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        _output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_output.GetSpan(bytes.Length));
        _output.Advance(bytes.Length);
    }
}
