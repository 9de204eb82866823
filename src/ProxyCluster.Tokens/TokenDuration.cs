using System.Globalization;

namespace ProxyCluster.Tokens;

/// <summary>
/// Durations as operators type them: a number and a unit (<c>s</c>, <c>m</c>, <c>h</c>, <c>d</c>, <c>w</c>),
/// optionally several in a row (<c>1h30m</c>). Always positive; no signs, spaces, fractions or bare numbers.
/// </summary>
public static class TokenDuration
{
    /// <summary>Longer than any token should live, and far from TimeSpan's limits.</summary>
    private static readonly TimeSpan Max = TimeSpan.FromDays(365 * 100);

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var total = TimeSpan.Zero;
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var digits = 0;
            while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
            {
                digits++;
            }

            // At most 9 digits keeps the number inside an int; Max bounds the rest.
            if (digits is 0 or > 9 || digits == rest.Length || !TryUnit(rest[digits], out var unit))
            {
                return false;
            }

            var count = int.Parse(rest[..digits], NumberStyles.None, CultureInfo.InvariantCulture);
            if (count > Max / unit)
            {
                return false;
            }

            total += unit * count;
            if (total > Max)
            {
                return false;
            }

            rest = rest[(digits + 1)..];
        }

        if (total <= TimeSpan.Zero)
        {
            return false;
        }

        duration = total;
        return true;
    }

    private static bool TryUnit(char symbol, out TimeSpan unit)
    {
        unit = symbol switch
        {
            's' => TimeSpan.FromSeconds(1),
            'm' => TimeSpan.FromMinutes(1),
            'h' => TimeSpan.FromHours(1),
            'd' => TimeSpan.FromDays(1),
            'w' => TimeSpan.FromDays(7),
            _ => TimeSpan.Zero,
        };
        return unit != TimeSpan.Zero;
    }
}
