namespace ProxyCluster.Sql;

/// <summary>
/// Limits for <see cref="SqlAnalyzer"/>. The defaults were measured against libpg_query 15-4.0 (see
/// <see cref="Parsing.QueryBounds"/> for the numbers); raising <see cref="MaxQueryLength"/> needs a
/// proportionally larger <see cref="ParserStackSize"/>.
/// </summary>
public sealed record SqlAnalyzerOptions
{
    /// <summary>Longest accepted query, in UTF-8 bytes. Default 1 MiB.</summary>
    public int MaxQueryLength { get; init; } = 1 << 20;

    /// <summary>Deepest accepted nesting of <c>( )</c>, <c>[ ]</c> and <c>CASE … END</c>. Default 1,000.</summary>
    public int MaxNestingDepth { get; init; } = 1_000;

    /// <summary>Longest accepted chain of operators (<c>1+1+…</c>, <c>x::a::b…</c>, <c>… UNION …</c>, <c>… JOIN …</c>) as estimated by the pre-scan. Default 10,000.</summary>
    public int MaxExpressionDepth { get; init; } = 10_000;

    /// <summary>How many analyses the cache keeps. Default 10,000; 0 disables the cache.</summary>
    public int CacheCapacity { get; init; } = 10_000;

    /// <summary>Upper bound on the characters held by the cache (query texts plus analyses). Default 16 Mi.</summary>
    public long CacheMaxTotalChars { get; init; } = 16L << 20;

    /// <summary>Queries longer than this (in characters) are analysed but not cached. Default 64 Ki.</summary>
    public int MaxCachedQueryLength { get; init; } = 64 * 1024;

    /// <summary>Threads that run libpg_query. Default: processor count, at most 4.</summary>
    public int ParserThreads { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>Stack size of each parser thread, in bytes. Default 256 MiB (address space; only touched pages are committed).</summary>
    public int ParserStackSize { get; init; } = 256 << 20;

    /// <summary>
    /// Queries of at most this many characters are parsed on the calling thread instead of a parser thread: the
    /// hand-off costs more than parsing them. Length bounds depth (every nesting token is one ASCII character):
    /// 2,048 allows at most ~1,000 nesting levels at ~700 bytes of native stack each (measured), well inside the
    /// 1.5 MiB default stack of .NET threads.
    /// </summary>
    public int InlineParseMaxLength { get; init; } = 2048;
}
