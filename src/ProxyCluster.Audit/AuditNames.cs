namespace ProxyCluster.Audit;

/// <summary>
/// The names the audit format gives its enum values, in one place: the JSON lines, the control store's columns
/// (and the migration's CHECKs) and proxyctl all read and write these.
/// </summary>
public static class AuditNames
{
    public static string Name(SessionAuditEvent value) => value switch
    {
        SessionAuditEvent.Connected => "connected",
        SessionAuditEvent.Authenticated => "authenticated",
        SessionAuditEvent.Refused => "refused",
        SessionAuditEvent.Terminated => "terminated",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static string Name(AuditAuthMethod value) => value switch
    {
        AuditAuthMethod.Scram => "scram",
        AuditAuthMethod.ScramPlus => "scram-plus",
        AuditAuthMethod.Cleartext => "cleartext",
        AuditAuthMethod.Certificate => "certificate",
        AuditAuthMethod.Jwt => "jwt",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static string Name(AuditDecision value) => value switch
    {
        AuditDecision.Allow => "allow",
        AuditDecision.Deny => "deny",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static bool TryParse(string? name, out SessionAuditEvent value) => TryParse(name, Name, out value);

    public static bool TryParse(string? name, out AuditAuthMethod value) => TryParse(name, Name, out value);

    public static bool TryParse(string? name, out AuditDecision value) => TryParse(name, Name, out value);

    private static bool TryParse<T>(string? name, Func<T, string> nameOf, out T value)
        where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (nameOf(candidate) == name)
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}
