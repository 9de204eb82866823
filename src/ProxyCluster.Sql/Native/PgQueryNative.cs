using System.Runtime.InteropServices;

namespace ProxyCluster.Sql.Native;

// Layouts mirror /usr/include/pg_query.h of libpg_query 15-4.0 (soname libpg_query.so.1504.0).

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PgQueryError
{
    public byte* Message;    // char* message
    public byte* FuncName;   // char* funcname
    public byte* FileName;   // char* filename
    public int LineNo;       // int lineno
    public int CursorPos;    // int cursorpos: 1-based character position in the query, 0 if none
    public byte* Context;    // char* context (may be NULL)
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PgQueryParseResult
{
    public byte* ParseTree;      // char* parse_tree (JSON)
    public byte* StderrBuffer;   // char* stderr_buffer
    public PgQueryError* Error;  // PgQueryError* error
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PgQueryNormalizeResult
{
    public byte* NormalizedQuery; // char* normalized_query
    public PgQueryError* Error;   // PgQueryError* error
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PgQueryFingerprintResult
{
    public ulong Fingerprint;     // uint64_t fingerprint
    public byte* FingerprintStr;  // char* fingerprint_str (hex)
    public byte* StderrBuffer;    // char* stderr_buffer
    public PgQueryError* Error;   // PgQueryError* error
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PgQueryScanResult
{
    public nuint ProtobufLength;  // PgQueryProtobuf pbuf: size_t len
    public byte* ProtobufData;    //                      char* data (ScanResult, protobuf)
    public byte* StderrBuffer;    // char* stderr_buffer
    public PgQueryError* Error;   // PgQueryError* error
}

/// <summary>
/// The libpg_query entry points. Every result must be passed to its <c>Free*</c> function exactly once;
/// <see cref="PgQuery"/> does that in <c>finally</c> blocks. Inputs are NUL-terminated UTF-8.
/// </summary>
internal static unsafe partial class PgQueryNative
{
    internal const string LibraryName = "pg_query";

    static PgQueryNative() => PgQueryLibrary.EnsureResolver();

    [LibraryImport(LibraryName, EntryPoint = "pg_query_parse")]
    internal static partial PgQueryParseResult Parse(byte* input);

    [LibraryImport(LibraryName, EntryPoint = "pg_query_free_parse_result")]
    internal static partial void FreeParseResult(PgQueryParseResult result);

    [LibraryImport(LibraryName, EntryPoint = "pg_query_normalize")]
    internal static partial PgQueryNormalizeResult Normalize(byte* input);

    [LibraryImport(LibraryName, EntryPoint = "pg_query_free_normalize_result")]
    internal static partial void FreeNormalizeResult(PgQueryNormalizeResult result);

    [LibraryImport(LibraryName, EntryPoint = "pg_query_fingerprint")]
    internal static partial PgQueryFingerprintResult Fingerprint(byte* input);

    [LibraryImport(LibraryName, EntryPoint = "pg_query_free_fingerprint_result")]
    internal static partial void FreeFingerprintResult(PgQueryFingerprintResult result);

    [LibraryImport(LibraryName, EntryPoint = "pg_query_scan")]
    internal static partial PgQueryScanResult Scan(byte* input);

    [LibraryImport(LibraryName, EntryPoint = "pg_query_free_scan_result")]
    internal static partial void FreeScanResult(PgQueryScanResult result);
}
