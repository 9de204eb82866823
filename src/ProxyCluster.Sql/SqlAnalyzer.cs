using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using ProxyCluster.Sql.Analysis;
using ProxyCluster.Sql.Caching;
using ProxyCluster.Sql.Native;
using ProxyCluster.Sql.Parsing;

namespace ProxyCluster.Sql;

/// <summary>
/// Analyses query strings with the real PostgreSQL 15 parser (libpg_query): statement kinds, the relations each
/// statement touches and how, the functions it calls, the normalized text and the fingerprint. Thread-safe;
/// one instance serves every session. Never throws for bad input: anything it cannot analyse comes back as
/// an <see cref="SqlAnalysis"/> with <see cref="SqlAnalysis.Error"/> set, and the caller fails closed.
/// </summary>
/// <remarks>
/// Order of checks for a query not in the cache: length, NUL and encoding, the nesting pre-scan
/// (<see cref="QueryBounds"/>), then libpg_query on a dedicated large-stack thread
/// (<see cref="ParserThreadPool"/>), then an iterative walk of the JSON tree. Results for queries up to
/// <see cref="SqlAnalyzerOptions.MaxCachedQueryLength"/> are cached by text, so a repeated statement costs a
/// dictionary lookup.
/// </remarks>
public sealed class SqlAnalyzer : IDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly AnalysisCache _cache;
    private readonly ParserThreadPool _parsers;
    private int _disposed;

    public SqlAnalyzer()
        : this(new SqlAnalyzerOptions())
    {
    }

    /// <exception cref="DllNotFoundException">libpg_query is not installed: better at startup than on the first query.</exception>
    public SqlAnalyzer(SqlAnalyzerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxQueryLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxNestingDepth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxExpressionDepth);
        ArgumentOutOfRangeException.ThrowIfNegative(options.CacheCapacity);
        ArgumentOutOfRangeException.ThrowIfNegative(options.CacheMaxTotalChars);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxCachedQueryLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.ParserThreads);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ParserStackSize, 1 << 20);

        Options = options;
        _cache = new AnalysisCache(options.CacheCapacity, options.CacheMaxTotalChars, options.MaxCachedQueryLength);
        _parsers = new ParserThreadPool(options.ParserThreads, options.ParserStackSize);
        try
        {
            _parsers.Parse("SELECT 1\0"u8.ToArray());
        }
        catch
        {
            _parsers.Dispose();
            throw;
        }
    }

    public SqlAnalyzerOptions Options { get; }

    /// <summary>Number of analyses currently cached.</summary>
    public int CachedCount => _cache.Count;

    /// <summary>
    /// The relay's fast path: the analysis when it is available without waiting for a parser thread — the query
    /// was seen before, or it is short enough to parse on the calling thread. False for a long query not cached.
    /// </summary>
    public bool TryAnalyzeWithoutWaiting(string query, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SqlAnalysis? analysis)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Length <= Options.InlineParseMaxLength)
        {
            analysis = Analyze(query); // completes inline: a cache hit or an inline parse
            return true;
        }

        var cached = _cache.TryGet(query, out var hit);
        analysis = cached ? hit : null;
        return cached;
    }

    /// <summary>
    /// Analyses a query received as text (already strictly decoded from the wire). Short and cached queries never
    /// wait; a long one blocks the caller until a parser thread is done with it — use <see cref="AnalyzeAsync"/>
    /// where blocking matters.
    /// </summary>
    public SqlAnalysis Analyze(string query)
    {
        var pending = AnalyzeAsync(query);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Analyses a query given as UTF-8 bytes; invalid UTF-8 is an error, not a guess.</summary>
    public SqlAnalysis Analyze(ReadOnlySpan<byte> utf8Query)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (utf8Query.Length > Options.MaxQueryLength)
        {
            return TooLong(utf8Query.Length);
        }

        if (!Utf8.IsValid(utf8Query))
        {
            return SqlAnalysis.Failure(SqlAnalysisErrorKind.InvalidEncoding, "query is not valid UTF-8");
        }

        return Analyze(Encoding.UTF8.GetString(utf8Query));
    }

    /// <summary>Like <see cref="Analyze(string)"/>, but waits for the parser thread without blocking the caller.</summary>
    public async ValueTask<SqlAnalysis> AnalyzeAsync(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_cache.TryGet(query, out var cached))
        {
            return cached;
        }

        var rejection = CheckBeforeParsing(query, out var buffer, out var length);
        if (rejection is not null)
        {
            return Remember(query, rejection);
        }

        try
        {
            NativeParseOutput output;
            try
            {
                output = query.Length <= Options.InlineParseMaxLength ? PgQuery.Run(buffer) : await _parsers.ParseAsync(buffer).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not ObjectDisposedException)
            {
                return ParserFailure(ex);
            }

            return Remember(query, Complete(output, buffer.AsSpan(0, length)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _parsers.Dispose();
        }
    }

    /// <summary>
    /// Checks everything that can be checked without the parser. Returns a rejection, or null with the query as
    /// NUL-terminated UTF-8 in a pooled <paramref name="buffer"/> the caller must return.
    /// </summary>
    private SqlAnalysis? CheckBeforeParsing(string query, out byte[] buffer, out int length)
    {
        buffer = [];
        length = 0;
        if (query.Length > Options.MaxQueryLength)
        {
            return TooLong(query.Length); // each char is at least one UTF-8 byte, so it is at least this long
        }

        if (query.Contains('\0', StringComparison.Ordinal))
        {
            // libpg_query reads a C string: it would stop at the NUL and never see the rest.
            return SqlAnalysis.Failure(SqlAnalysisErrorKind.InvalidEncoding, "query contains a NUL character");
        }

        int byteCount;
        try
        {
            byteCount = StrictUtf8.GetByteCount(query);
        }
        catch (EncoderFallbackException)
        {
            return SqlAnalysis.Failure(SqlAnalysisErrorKind.InvalidEncoding, "query is not valid Unicode (unpaired surrogate)");
        }

        if (byteCount > Options.MaxQueryLength)
        {
            return TooLong(byteCount);
        }

        var rented = ArrayPool<byte>.Shared.Rent(byteCount + 1);
        StrictUtf8.GetBytes(query, rented);
        rented[byteCount] = 0;

        var bound = QueryBounds.Check(rented.AsSpan(0, byteCount), Options.MaxNestingDepth, Options.MaxExpressionDepth);
        if (bound is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
            return SqlAnalysis.Failure(SqlAnalysisErrorKind.TooDeeplyNested, bound);
        }

        buffer = rented;
        length = byteCount;
        return null;
    }

    private static SqlAnalysis Complete(NativeParseOutput output, ReadOnlySpan<byte> utf8Query)
    {
        if (output.Error is not null || output.Json is null)
        {
            return SqlAnalysis.Failure(SqlAnalysisErrorKind.SyntaxError, output.Error ?? "the parser returned no tree", output.ErrorPosition);
        }

        try
        {
            var tree = TreeNode.Parse(output.Json);
            var statements = ParseTreeReader.Read(tree, utf8Query);
            return SqlAnalysis.Success(statements, output.NormalizedQuery ?? string.Empty, output.Fingerprint ?? string.Empty);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or ArgumentException or KeyNotFoundException)
        {
            return SqlAnalysis.Failure(SqlAnalysisErrorKind.InternalError, "the parse tree could not be read: " + ex.Message);
        }
    }

    private SqlAnalysis Remember(string query, SqlAnalysis analysis) => _cache.Add(query, analysis);

    private SqlAnalysis TooLong(int length) =>
        SqlAnalysis.Failure(
            SqlAnalysisErrorKind.QueryTooLong,
            $"query is too long: at least {length} bytes, the limit is {Options.MaxQueryLength}");

    private static SqlAnalysis ParserFailure(Exception ex) =>
        SqlAnalysis.Failure(SqlAnalysisErrorKind.InternalError, "the parser failed: " + ex.Message);
}
