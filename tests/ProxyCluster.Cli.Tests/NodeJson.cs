using System.Text.Json.Nodes;

namespace ProxyCluster.Cli.Tests;

/// <summary>Answers as a node writes them (ADMIN-API.md), for the scripted node.</summary>
internal static class NodeJson
{
    public const string Salt = "c2FsdHNhbHRzYWx0c2FsdA=="; // "saltsaltsaltsalt"

    public static string Error(string code, string message) => new JsonObject { ["error"] = message, ["code"] = code }.ToJsonString();

    public static JsonObject Token(
        string id,
        string status = "active",
        string principal = "billing-svc",
        string policy = "unrestricted",
        string[]? routes = null,
        string? expiresAt = null,
        string? endedAt = null,
        string? endedBy = null,
        string? endReason = null,
        string?[]? secretsNotAfter = null) => new()
    {
        ["id"] = id,
        ["user"] = "pct_" + id,
        ["principal"] = principal,
        ["policy"] = policy,
        ["routes"] = new JsonArray([.. (routes ?? []).Select(route => JsonValue.Create(route))]),
        ["expires_at"] = expiresAt,
        ["status"] = status,
        ["seq"] = 1,
        ["issued_at"] = "2030-01-01T10:00:00.1234567+00:00",
        ["issued_by"] = "admin-api",
        ["updated_at"] = "2030-01-01T10:00:00+00:00",
        ["ended_at"] = endedAt,
        ["ended_by"] = endedBy,
        ["end_reason"] = endReason,
        ["secrets"] = new JsonArray([.. (secretsNotAfter ?? [null]).Select(notAfter => new JsonObject { ["not_after"] = notAfter })]),
        ["scram_salt"] = Salt,
        ["scram_iterations"] = 4096,
        ["ordering"] = 17,
    };
}
