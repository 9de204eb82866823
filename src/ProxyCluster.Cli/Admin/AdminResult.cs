using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ProxyCluster.Cli.Admin;

/// <summary>The node's answer: its JSON body when it said yes (2xx), otherwise why not, as an exit code and a message.</summary>
internal sealed class AdminResult
{
    private AdminResult(string? body, AdminFailure? failure)
    {
        Body = body;
        Failure = failure;
    }

    /// <summary>The answer's JSON text; set when <see cref="IsSuccess"/>.</summary>
    public string? Body { get; }

    public AdminFailure? Failure { get; }

    [MemberNotNullWhen(true, nameof(Body))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool IsSuccess => Failure is null;

    public static AdminResult Success(string body) => new(body, null);

    public static AdminResult Failed(AdminFailure failure) => new(null, failure);

    /// <summary>Reads a successful answer as <typeparamref name="T"/>; fails for a failed answer or one that is not the documented shape.</summary>
    public bool TryRead<T>(JsonTypeInfo<T> type, [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out AdminFailure? failure)
        where T : class
    {
        value = null;
        if (!IsSuccess)
        {
            failure = Failure;
            return false;
        }

        try
        {
            value = JsonSerializer.Deserialize(Body, type);
        }
        catch (JsonException e)
        {
            failure = AdminFailure.Failure($"the node's answer is not the JSON proxyctl expects: {e.Message}");
            return false;
        }

        failure = value is null ? AdminFailure.Failure("the node answered null where proxyctl expects a JSON object") : null;
        return value is not null;
    }
}
