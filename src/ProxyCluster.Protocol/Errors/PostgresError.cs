namespace ProxyCluster.Protocol.Errors;

/// <summary>
/// The contents of an ErrorResponse or NoticeResponse. Fields are kept in the order they arrived so a
/// rewritten message keeps every field the server sent, including ones this type has no property for.
/// </summary>
public sealed record PostgresError(IReadOnlyList<KeyValuePair<ErrorField, string>> Fields)
{
    public string Severity => Get(ErrorField.SeverityNonLocalized) ?? Get(ErrorField.Severity) ?? "ERROR";
    public string SqlState => Get(ErrorField.Code) ?? Errors.SqlState.InternalError;
    public string Message => Get(ErrorField.Message) ?? string.Empty;
    public string? Detail => Get(ErrorField.Detail);
    public string? Hint => Get(ErrorField.Hint);

    public string? Get(ErrorField field)
    {
        foreach (var pair in Fields)
        {
            if (pair.Key == field)
            {
                return pair.Value;
            }
        }

        return null;
    }

    /// <summary>An error raised by the proxy itself, shaped like the server's (S, V, C, M and optional D, H).</summary>
    public static PostgresError Create(string severity, string sqlState, string message, string? detail = null, string? hint = null)
    {
        var fields = new List<KeyValuePair<ErrorField, string>>(6)
        {
            new(ErrorField.Severity, severity),
            new(ErrorField.SeverityNonLocalized, severity),
            new(ErrorField.Code, sqlState),
            new(ErrorField.Message, message),
        };
        if (detail is not null)
        {
            fields.Add(new(ErrorField.Detail, detail));
        }

        if (hint is not null)
        {
            fields.Add(new(ErrorField.Hint, hint));
        }

        return new PostgresError(fields);
    }

    public static PostgresError Error(string sqlState, string message, string? detail = null, string? hint = null) =>
        Create("ERROR", sqlState, message, detail, hint);

    public static PostgresError Fatal(string sqlState, string message, string? detail = null, string? hint = null) =>
        Create("FATAL", sqlState, message, detail, hint);

    public override string ToString() => $"{Severity} {SqlState}: {Message}";
}
