using System.Text;

namespace ProxyCluster.Sql.Parsing;

/// <summary>
/// The cheap pre-scan that runs before libpg_query sees a query.
/// </summary>
/// <remarks>
/// <para>
/// Why: libpg_query 15-4.0 has no stack-depth check on the code that walks the parse tree (JSON output,
/// normalize), so a tree that is deep enough overflows the native stack and the process dies with SIGSEGV.
/// Measured with a C harness calling the library on a pthread of a chosen stack size, and again through
/// this assembly in a child process (see the tests' <c>ParserCrashProbeTests</c>):
/// </para>
/// <list type="bullet">
/// <item>Right-nested constructs — parentheses, brackets, <c>CASE</c>, sub-selects, function calls,
/// <c>NOT</c>, unary minus, nested CTEs — are capped by the grammar itself: bison's stack (YYMAXDEPTH 10,000)
/// runs out at about 10,000 parentheses / 3,300 <c>(SELECT</c> / 5,000 <c>f(</c> levels and libpg_query
/// returns "memory exhausted" as an ordinary syntax error. At the deepest depth that still parses, the
/// worst of them needs 7 MB of stack (normalize of 9,990 nested <c>ARRAY[</c> / <c>NOT</c>).</item>
/// <item>Left-deep chains are unbounded: <c>1+1+1…</c>, any binary operator, <c>::type</c>, <c>||</c>,
/// <c>IS NULL</c>, <c>COLLATE</c>, <c>AT TIME ZONE</c>, <c>IN (…)</c>, <c>… JOIN …</c>, <c>… UNION …</c>.
/// With an 8 MB stack the JSON parse dies at ~65,000 chained <c>+1</c> and normalize at ~21,700 (~380 bytes
/// of stack per level; <c>AT TIME ZONE</c> ~760 bytes per level but 19 bytes of text per level).</item>
/// <item>The densest input is <c>+1</c> repeated (2 bytes per level): a full 1 MiB of it (524,278 levels)
/// needs 66 MB of stack to parse to JSON and 194 MB to normalize; fingerprinting needs 2 MB.</item>
/// </list>
/// <para>
/// So the defence is two layers. (1) <see cref="SqlAnalyzerOptions.ParserStackSize"/> is 256 MiB, which
/// holds the worst measured 1 MiB input (194 MB) with room to spare: whatever the pre-scan misjudges, a query
/// within <see cref="SqlAnalyzerOptions.MaxQueryLength"/> cannot crash the parser. (2) This pre-scan bounds
/// nesting (default 1,000) and the estimated operator-chain depth (default 10,000; ~4 MB of stack), so
/// pathological input is rejected in microseconds instead of producing a 70 MB parse tree, and legitimate
/// queries stay far from both limits.
/// </para>
/// <para>
/// The scan is a small lexer that follows PostgreSQL's scanner (standard_conforming_strings on) closely
/// enough to skip comments (nested), string literals ('', E'', B'', X'', N'', U&amp;''), quoted
/// identifiers and dollar quotes, so operators inside literals are not counted. It tracks, per open
/// parenthesis/bracket/CASE, the depth of the expression being built: an operator adds one level, a closed
/// group contributes its depth plus one, and a comma, semicolon, AND, OR (the parser flattens those) or
/// WHEN/THEN/ELSE starts a new sibling.
/// </para>
/// </remarks>
internal static class QueryBounds
{
    private const byte ParenFrame = 1;
    private const byte BracketFrame = 2;
    private const byte CaseFrame = 3;

    /// <summary>Returns null when the query is within bounds, otherwise why not.</summary>
    public static string? Check(ReadOnlySpan<byte> sql, int maxNestingDepth, int maxExpressionDepth)
    {
        var frames = new Frames(maxExpressionDepth);
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            switch (c)
            {
                case (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f' or (byte)'\v':
                    i++;
                    break;
                case (byte)'\'':
                    i = SkipQuoted(sql, i, (byte)'\'', backslashEscapes: false);
                    break;
                case (byte)'"':
                    i = SkipQuoted(sql, i, (byte)'"', backslashEscapes: false);
                    break;
                case (byte)'$':
                    i = SkipDollar(sql, i);
                    break;
                case (byte)'(' or (byte)'[':
                    if (frames.Depth >= maxNestingDepth)
                    {
                        return NestingError(maxNestingDepth, i);
                    }

                    frames.Open(c == (byte)'(' ? ParenFrame : BracketFrame);
                    i++;
                    break;
                case (byte)')' or (byte)']':
                    if (!frames.Close(c == (byte)')' ? ParenFrame : BracketFrame))
                    {
                        return ExpressionError(maxExpressionDepth, i);
                    }

                    i++;
                    break;
                case (byte)',' or (byte)';':
                    frames.Separate();
                    i++;
                    break;
                case (byte)':':
                    if (i + 1 < sql.Length && sql[i + 1] == (byte)':')
                    {
                        if (!frames.Operator())
                        {
                            return ExpressionError(maxExpressionDepth, i);
                        }

                        i += 2;
                    }
                    else
                    {
                        i++;
                    }

                    break;
                case (byte)'-' when i + 1 < sql.Length && sql[i + 1] == (byte)'-':
                    i = SkipLineComment(sql, i);
                    break;
                case (byte)'/' when i + 1 < sql.Length && sql[i + 1] == (byte)'*':
                    i = SkipBlockComment(sql, i);
                    break;
                default:
                    if (IsOperatorChar(c))
                    {
                        i = SkipOperator(sql, i);
                        if (!frames.Operator())
                        {
                            return ExpressionError(maxExpressionDepth, i);
                        }
                    }
                    else if (IsDigit(c) || (c == (byte)'.' && i + 1 < sql.Length && IsDigit(sql[i + 1])))
                    {
                        i = SkipNumber(sql, i);
                    }
                    else if (IsIdentifierStart(c))
                    {
                        var start = i;
                        i = SkipIdentifier(sql, i);
                        var word = sql[start..i];
                        if (TrySkipPrefixedString(sql, word, ref i))
                        {
                            break;
                        }

                        switch (Classify(word))
                        {
                            case Word.Case:
                                if (frames.Depth >= maxNestingDepth)
                                {
                                    return NestingError(maxNestingDepth, start);
                                }

                                frames.Open(CaseFrame);
                                break;
                            case Word.End:
                                if (frames.TopKind == CaseFrame && !frames.Close(CaseFrame))
                                {
                                    return ExpressionError(maxExpressionDepth, start);
                                }

                                break;
                            case Word.CaseSeparator:
                                if (frames.TopKind == CaseFrame)
                                {
                                    frames.Separate();
                                }

                                break;
                            case Word.Separator:
                                frames.Separate();
                                break;
                            case Word.Operator:
                                if (!frames.Operator())
                                {
                                    return ExpressionError(maxExpressionDepth, start);
                                }

                                break;
                            default:
                                break;
                        }
                    }
                    else
                    {
                        i++;
                    }

                    break;
            }
        }

        return null;
    }

    private static string NestingError(int limit, int offset) =>
        $"query is too deeply nested: more than {limit} levels of parentheses, brackets or CASE (at byte {offset})";

    private static string ExpressionError(int limit, int offset) =>
        $"query expression is too deeply nested: more than {limit} chained operators (at byte {offset})";

    private enum Word
    {
        Other,
        Operator,
        Separator,
        Case,
        End,
        CaseSeparator,
    }

    private static Word Classify(ReadOnlySpan<byte> word)
    {
        switch (word.Length)
        {
            case 2:
                if (Ascii.EqualsIgnoreCase(word, "OR"u8))
                {
                    return Word.Separator;
                }

                return Ascii.EqualsIgnoreCase(word, "IS"u8) || Ascii.EqualsIgnoreCase(word, "AT"u8) || Ascii.EqualsIgnoreCase(word, "IN"u8)
                    ? Word.Operator
                    : Word.Other;
            case 3:
                if (Ascii.EqualsIgnoreCase(word, "AND"u8))
                {
                    return Word.Separator;
                }

                return Ascii.EqualsIgnoreCase(word, "END"u8) ? Word.End : Word.Other;
            case 4:
                if (Ascii.EqualsIgnoreCase(word, "CASE"u8))
                {
                    return Word.Case;
                }

                if (Ascii.EqualsIgnoreCase(word, "WHEN"u8) || Ascii.EqualsIgnoreCase(word, "THEN"u8) || Ascii.EqualsIgnoreCase(word, "ELSE"u8))
                {
                    return Word.CaseSeparator;
                }

                return Ascii.EqualsIgnoreCase(word, "JOIN"u8) || Ascii.EqualsIgnoreCase(word, "LIKE"u8) ? Word.Operator : Word.Other;
            case 5:
                return Ascii.EqualsIgnoreCase(word, "UNION"u8) || Ascii.EqualsIgnoreCase(word, "ILIKE"u8) ? Word.Operator : Word.Other;
            case 6:
                return Ascii.EqualsIgnoreCase(word, "EXCEPT"u8) || Ascii.EqualsIgnoreCase(word, "ISNULL"u8) ? Word.Operator : Word.Other;
            case 7:
                return Ascii.EqualsIgnoreCase(word, "COLLATE"u8) || Ascii.EqualsIgnoreCase(word, "NOTNULL"u8)
                    || Ascii.EqualsIgnoreCase(word, "SIMILAR"u8) || Ascii.EqualsIgnoreCase(word, "BETWEEN"u8)
                    ? Word.Operator
                    : Word.Other;
            case 8:
                return Ascii.EqualsIgnoreCase(word, "OVERLAPS"u8) || Ascii.EqualsIgnoreCase(word, "OPERATOR"u8) ? Word.Operator : Word.Other;
            case 9:
                return Ascii.EqualsIgnoreCase(word, "INTERSECT"u8) ? Word.Operator : Word.Other;
            default:
                return Word.Other;
        }
    }

    /// <summary>E'…', B'…', X'…', N'…', U&amp;'…' and U&amp;"…": a one-letter word glued to a quote.</summary>
    private static bool TrySkipPrefixedString(ReadOnlySpan<byte> sql, ReadOnlySpan<byte> word, ref int i)
    {
        if (word.Length != 1 || i >= sql.Length)
        {
            return false;
        }

        var prefix = (byte)(word[0] | 0x20);
        if (sql[i] == (byte)'\'')
        {
            switch (prefix)
            {
                case (byte)'e':
                    i = SkipQuoted(sql, i, (byte)'\'', backslashEscapes: true);
                    return true;
                case (byte)'b' or (byte)'x' or (byte)'n':
                    i = SkipQuoted(sql, i, (byte)'\'', backslashEscapes: false);
                    return true;
                default:
                    return false;
            }
        }

        if (prefix == (byte)'u' && sql[i] == (byte)'&' && i + 1 < sql.Length && (sql[i + 1] == (byte)'\'' || sql[i + 1] == (byte)'"'))
        {
            i = SkipQuoted(sql, i + 1, sql[i + 1], backslashEscapes: false);
            return true;
        }

        return false;
    }

    /// <summary>From an opening quote to just past its closing quote; a doubled quote is part of the text.</summary>
    private static int SkipQuoted(ReadOnlySpan<byte> sql, int open, byte quote, bool backslashEscapes)
    {
        var i = open + 1;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (backslashEscapes && c == (byte)'\\')
            {
                i += 2;
            }
            else if (c == quote)
            {
                if (i + 1 < sql.Length && sql[i + 1] == quote)
                {
                    i += 2;
                }
                else
                {
                    return i + 1;
                }
            }
            else
            {
                i++;
            }
        }

        return sql.Length; // unterminated: the parser reports it
    }

    /// <summary><c>$1</c> (a parameter), <c>$tag$ … $tag$</c> / <c>$$ … $$</c> (a dollar-quoted string), or a stray <c>$</c>.</summary>
    private static int SkipDollar(ReadOnlySpan<byte> sql, int i)
    {
        var j = i + 1;
        if (j < sql.Length && IsDigit(sql[j]))
        {
            while (j < sql.Length && IsDigit(sql[j]))
            {
                j++;
            }

            return j;
        }

        if (j < sql.Length && sql[j] != (byte)'$')
        {
            if (!IsIdentifierStart(sql[j]))
            {
                return j;
            }

            while (j < sql.Length && (IsIdentifierStart(sql[j]) || IsDigit(sql[j])))
            {
                j++;
            }

            if (j >= sql.Length || sql[j] != (byte)'$')
            {
                return j; // not a tag after all
            }
        }

        if (j >= sql.Length)
        {
            return j;
        }

        var tag = sql[i..(j + 1)];
        var close = sql[(j + 1)..].IndexOf(tag);
        return close < 0 ? sql.Length : j + 1 + close + tag.Length;
    }

    private static int SkipLineComment(ReadOnlySpan<byte> sql, int i)
    {
        var end = sql[i..].IndexOfAny((byte)'\n', (byte)'\r');
        return end < 0 ? sql.Length : i + end + 1;
    }

    /// <summary>PostgreSQL block comments nest.</summary>
    private static int SkipBlockComment(ReadOnlySpan<byte> sql, int i)
    {
        var depth = 0;
        while (i < sql.Length)
        {
            if (sql[i] == (byte)'/' && i + 1 < sql.Length && sql[i + 1] == (byte)'*')
            {
                depth++;
                i += 2;
            }
            else if (sql[i] == (byte)'*' && i + 1 < sql.Length && sql[i + 1] == (byte)'/')
            {
                depth--;
                i += 2;
                if (depth == 0)
                {
                    return i;
                }
            }
            else
            {
                i++;
            }
        }

        return sql.Length;
    }

    /// <summary>A run of operator characters is one operator, but it never contains the start of a comment.</summary>
    private static int SkipOperator(ReadOnlySpan<byte> sql, int i)
    {
        i++;
        while (i < sql.Length && IsOperatorChar(sql[i]))
        {
            if (i + 1 < sql.Length
                && ((sql[i] == (byte)'-' && sql[i + 1] == (byte)'-') || (sql[i] == (byte)'/' && sql[i + 1] == (byte)'*')))
            {
                break;
            }

            i++;
        }

        return i;
    }

    private static int SkipNumber(ReadOnlySpan<byte> sql, int i)
    {
        while (i < sql.Length && (IsDigit(sql[i]) || sql[i] == (byte)'.' || sql[i] == (byte)'_'))
        {
            i++;
        }

        // An exponent only if digits follow: in "1e'x'" PostgreSQL 15 reads 1 and then the string E'x'.
        if (i < sql.Length && (sql[i] | 0x20) == (byte)'e')
        {
            var j = i + 1;
            if (j < sql.Length && (sql[j] == (byte)'+' || sql[j] == (byte)'-'))
            {
                j++;
            }

            if (j < sql.Length && IsDigit(sql[j]))
            {
                i = j;
                while (i < sql.Length && IsDigit(sql[i]))
                {
                    i++;
                }
            }
        }

        return i;
    }

    private static int SkipIdentifier(ReadOnlySpan<byte> sql, int i)
    {
        i++;
        while (i < sql.Length && (IsIdentifierStart(sql[i]) || IsDigit(sql[i]) || sql[i] == (byte)'$'))
        {
            i++;
        }

        return i;
    }

    private static bool IsDigit(byte c) => c is >= (byte)'0' and <= (byte)'9';

    private static bool IsIdentifierStart(byte c) =>
        c is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or (byte)'_' or >= 0x80;

    private static bool IsOperatorChar(byte c) =>
        c is (byte)'+' or (byte)'-' or (byte)'*' or (byte)'/' or (byte)'<' or (byte)'>' or (byte)'=' or (byte)'~'
            or (byte)'!' or (byte)'@' or (byte)'#' or (byte)'%' or (byte)'^' or (byte)'&' or (byte)'|' or (byte)'`' or (byte)'?';

    /// <summary>The open groups, innermost last. Frame 0 is the top level and is never closed.</summary>
    private struct Frames
    {
        private readonly int _limit;
        private Frame[] _stack;
        private int _top;

        public Frames(int limit)
        {
            _limit = limit;
            _stack = new Frame[16];
            _top = 0;
        }

        public readonly int Depth => _top;

        public readonly byte TopKind => _stack[_top].Kind;

        public void Open(byte kind)
        {
            if (++_top == _stack.Length)
            {
                Array.Resize(ref _stack, _stack.Length * 2);
            }

            _stack[_top] = new Frame { Kind = kind };
        }

        /// <summary>Closes the innermost group of this kind (and any unterminated CASE inside it). False when over the limit.</summary>
        public bool Close(byte kind)
        {
            if (_top == 0)
            {
                return true; // unbalanced: a syntax error the parser reports
            }

            var inner = 0;
            while (_top > 0)
            {
                ref var frame = ref _stack[_top];
                inner = Math.Max(Math.Max(frame.Current, frame.Max), inner) + 1;
                var closedKind = frame.Kind;
                _top--;
                if (closedKind == kind)
                {
                    break;
                }
            }

            ref var parent = ref _stack[_top];
            parent.Current = Math.Max(parent.Current, inner);
            return parent.Current <= _limit;
        }

        public readonly void Separate()
        {
            ref var frame = ref _stack[_top];
            frame.Max = Math.Max(frame.Max, frame.Current);
            frame.Current = 0;
        }

        public readonly bool Operator() => ++_stack[_top].Current <= _limit;
    }

    private struct Frame
    {
        public byte Kind;
        public int Current;
        public int Max;
    }
}
