using System.Globalization;

namespace ProxyCluster.Cli.Output;

/// <summary>How values look in tables and field lists: UTC ISO-8601 to the second, a dash for nothing.</summary>
internal static class Cell
{
    public const string None = "-";

    /// <summary>Routes of a token that may use every route (an empty list).</summary>
    public const string EveryRoute = "*";

    /// <summary>The text as one line (control characters, newlines included, become spaces), or a dash when null or empty.</summary>
    public static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return None;
        }

        return value.AsSpan().IndexOfAnyInRange((char)0, (char)0x1f) < 0 && !value.Contains((char)0x7f, StringComparison.Ordinal)
            ? value
            : string.Create(value.Length, value, static (span, text) =>
            {
                for (var i = 0; i < text.Length; i++)
                {
                    span[i] = char.IsControl(text[i]) ? ' ' : text[i];
                }
            });
    }

    /// <summary><c>2025-01-31T12:00:00Z</c>: UTC, no fraction; a dash for null.</summary>
    public static string Time(DateTimeOffset? value) =>
        value is { } time ? time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : None;

    public static string Number(long? value) => value is { } number ? number.ToString(CultureInfo.InvariantCulture) : None;

    /// <summary>A token's routes, comma-separated; <see cref="EveryRoute"/> for none (which means every route).</summary>
    public static string Routes(IReadOnlyList<string>? routes) => routes is null or { Count: 0 } ? EveryRoute : string.Join(",", routes);

    public static string List(IReadOnlyList<string>? values) => values is null or { Count: 0 } ? None : string.Join(",", values);
}
