using System.Runtime.InteropServices;

namespace ProxyCluster.Sql.Native;

/// <summary>
/// Managed wrapper over libpg_query: parse (JSON), normalize and fingerprint one query. Must run on a thread
/// whose stack is large enough for the input (see <see cref="Parsing.QueryBounds"/>); every native result is
/// freed exactly once, in a <c>finally</c>.
/// </summary>
internal static unsafe class PgQuery
{
    /// <param name="nulTerminatedUtf8">The query as UTF-8 followed by a 0 byte (and possibly unused bytes after it).</param>
    public static NativeParseOutput Run(byte[] nulTerminatedUtf8)
    {
        fixed (byte* input = nulTerminatedUtf8)
        {
            byte[] json;
            var parse = PgQueryNative.Parse(input);
            try
            {
                if (parse.Error is not null)
                {
                    return Failed(parse.Error);
                }

                json = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(parse.ParseTree).ToArray();
            }
            finally
            {
                PgQueryNative.FreeParseResult(parse);
            }

            string normalized;
            var normalize = PgQueryNative.Normalize(input);
            try
            {
                if (normalize.Error is not null)
                {
                    return Failed(normalize.Error);
                }

                normalized = ReadString(normalize.NormalizedQuery) ?? string.Empty;
                // Utility statements and comments keep their literals through normalization; the audit may not.
                normalized = LiteralRedactor.Redact(normalized) ?? "<query the proxy could not redact>";
            }
            finally
            {
                PgQueryNative.FreeNormalizeResult(normalize);
            }

            string fingerprint;
            var fingerprintResult = PgQueryNative.Fingerprint(input);
            try
            {
                if (fingerprintResult.Error is not null)
                {
                    return Failed(fingerprintResult.Error);
                }

                fingerprint = ReadString(fingerprintResult.FingerprintStr)
                    ?? fingerprintResult.Fingerprint.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
            }
            finally
            {
                PgQueryNative.FreeFingerprintResult(fingerprintResult);
            }

            return NativeParseOutput.Parsed(json, normalized, fingerprint);
        }
    }

    private static NativeParseOutput Failed(PgQueryError* error)
    {
        var message = ReadString(error->Message) ?? "syntax error";
        return NativeParseOutput.Failed(message, error->CursorPos > 0 ? error->CursorPos : null);
    }

    private static string? ReadString(byte* text) => text is null ? null : Marshal.PtrToStringUTF8((nint)text);
}
