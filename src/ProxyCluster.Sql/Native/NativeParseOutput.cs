namespace ProxyCluster.Sql.Native;

/// <summary>What the parser thread hands back: the JSON parse tree copied into managed memory, or libpg_query's error.</summary>
internal sealed class NativeParseOutput
{
    private NativeParseOutput(byte[]? json, string? normalized, string? fingerprint, string? error, int? errorPosition)
    {
        Json = json;
        NormalizedQuery = normalized;
        Fingerprint = fingerprint;
        Error = error;
        ErrorPosition = errorPosition;
    }

    public byte[]? Json { get; }

    public string? NormalizedQuery { get; }

    public string? Fingerprint { get; }

    public string? Error { get; }

    public int? ErrorPosition { get; }

    public static NativeParseOutput Parsed(byte[] json, string normalized, string fingerprint) =>
        new(json, normalized, fingerprint, null, null);

    public static NativeParseOutput Failed(string error, int? position) => new(null, null, null, error, position);
}
