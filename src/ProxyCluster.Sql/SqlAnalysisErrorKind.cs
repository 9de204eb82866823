namespace ProxyCluster.Sql;

/// <summary>Why a query could not be analysed. Any error means the caller must fail closed.</summary>
public enum SqlAnalysisErrorKind
{
    /// <summary>libpg_query rejected the text (including its own "memory exhausted" for very deep nesting).</summary>
    SyntaxError,
    /// <summary>Longer than <see cref="SqlAnalyzerOptions.MaxQueryLength"/>.</summary>
    QueryTooLong,
    /// <summary>Deeper than the nesting or expression bounds that keep the parser's native stack safe.</summary>
    TooDeeplyNested,
    /// <summary>Not valid UTF-8 (or UTF-16 for the string API), or contains a NUL character.</summary>
    InvalidEncoding,
    /// <summary>The parse tree could not be read. Should not happen; denied like everything else.</summary>
    InternalError,
}
