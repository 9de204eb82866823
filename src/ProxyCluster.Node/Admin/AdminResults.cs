using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace ProxyCluster.Node.Admin;

/// <summary>The admin API's answers: JSON bodies, and errors in one shape with a stable code (see ADMIN-API.md).</summary>
public static class AdminResults
{
    /// <summary>Bodies larger than this are refused; no admin request comes close (a policy document is a few KiB).</summary>
    private const long MaxBodyBytes = 1024 * 1024;

    public static IResult Json<T>(T value, JsonTypeInfo<T> type, int status = StatusCodes.Status200OK) =>
        Results.Json(value, type, statusCode: status);

    /// <summary>202: done in the store, not yet visible on this node.</summary>
    public static IResult Accepted(string message) => Error(StatusCodes.Status202Accepted, "committed", message);

    public static IResult Invalid(string message) => Error(StatusCodes.Status400BadRequest, "invalid", message);

    public static IResult Unauthorized() =>
        Error(StatusCodes.Status401Unauthorized, "unauthorized", "missing or wrong admin token (Authorization: Bearer …)");

    public static IResult NotFound(string message) => Error(StatusCodes.Status404NotFound, "not_found", message);

    public static IResult Conflict(string message) => Error(StatusCodes.Status409Conflict, "conflict", message);

    public static IResult Unavailable(string message) => Error(StatusCodes.Status503ServiceUnavailable, "unavailable", message);

    /// <summary>Reads a JSON request body; on failure, the 400 answer to send instead.</summary>
    public static async Task<(T? Body, IResult? Error)> ReadBodyAsync<T>(HttpRequest request, JsonTypeInfo<T> type)
        where T : class
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, Invalid($"request body over {MaxBodyBytes} bytes"));
        }

        try
        {
            var body = await JsonSerializer.DeserializeAsync(request.Body, type, request.HttpContext.RequestAborted).ConfigureAwait(false);
            return body is null ? (null, Invalid("expected a JSON object")) : (body, null);
        }
        catch (JsonException exception)
        {
            return (null, Invalid($"malformed JSON body: {exception.Message}"));
        }
    }

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new AdminError(message, code), AdminJson.Context.AdminError, statusCode: status);
}
